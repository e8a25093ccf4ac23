# The native tier: a function redefined (a second def of the same name) after
# its first use; the old object, kept under another name, calls the new one
# for its inner calls; the new one runs its own body.
def f(n):
    if n <= 1:
        return 1
    return n * f(n - 1)


print(f(10))
old = f


def f(n):
    if n <= 1:
        return 0
    return n + f(n - 1)


print(f(10), old(10), old(3))


def f(a, b):
    # a different arity: the old objects' one-argument inner calls now fail
    if a == 0:
        return b
    return f(a - 1, b + a)


print(f(10, 0))
try:
    old(5)
except TypeError as e:
    print("TypeError:", e)
print(old(1))


def f(n):
    if n <= 1:
        return 1
    return n * f(n - 1)


print(f(10), old(10))

results = []
for k in range(3):
    if k == 0:
        def sq(n):
            return n * n
    elif k == 1:
        def sq(n):
            return n * n * n
    else:
        def sq(n):
            if n > 0:
                return sq(n - 1) + 2 * n - 1
            return 0
    results.append(sq(12))
print(results)


def loop(n):
    s = 0
    while n > 0:
        s += n
        n -= 1
    return s


first = loop(1000)


def loop(n):
    s = 0
    while n > 0:
        s -= n
        n -= 1
    return s


print(first, loop(1000))
