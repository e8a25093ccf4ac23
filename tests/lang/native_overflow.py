# The native tier: int64 overflow inside a pure function raises OverflowError
# exactly where the interpreter does (gild's documented difference from
# CPython: ints are 64-bit), caught here; the same functions then work again.
def fact(n):
    if n <= 1:
        return 1
    return n * fact(n - 1)


def fact_loop(n):
    r = 1
    while n > 1:
        r = r * n
        n -= 1
    return r


def add(a, b):
    return a + b


def sub(a, b):
    return a - b


def neg(a):
    return -a


def fdiv(a, b):
    return a // b


def fmod(a, b):
    return a % b


def power(b, e):
    r = 1
    while e > 0:
        r *= b
        e -= 1
    return r


def sum_to(n):
    # the running sum overflows long before n
    s = 0
    i = 0
    while i < n:
        s += 4611686018427387904
        i += 1
    return s


big = 9223372036854775807
small = -9223372036854775807 - 1
print(fact(20), fact_loop(20))
for f in (fact, fact_loop):
    for n in (21, 25):
        try:
            print(f(n))
        except OverflowError:
            print("OverflowError", n)
print(fact(20), fact_loop(20), fact(5))
cases = [(add, big, 1), (add, big, 0), (add, small, -1), (add, small, big), (sub, small, 1),
         (sub, big, -1), (sub, -1, big), (sub, 0, big), (fdiv, small, -1), (fdiv, small, 1),
         (fmod, small, -1), (fmod, big, -1), (power, 2, 62), (power, 2, 63), (power, -2, 63),
         (power, -2, 64), (power, 3, 39), (power, 3, 40)]
for f, a, b in cases:
    try:
        print(f(a, b))
    except OverflowError:
        print("OverflowError")
for a in (big, small, 0, small + 1):
    try:
        print(neg(a))
    except OverflowError:
        print("OverflowError")
try:
    print(sum_to(1))
    print(sum_to(2))
except OverflowError:
    print("OverflowError")
try:
    sum_to(1000000)
except OverflowError as e:
    print(type(e).__name__)
print(power(2, 62), fact(15))
