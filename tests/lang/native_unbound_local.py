# The native tier: a pure function whose local is unbound on some path raises
# UnboundLocalError with CPython's message, whether or not it ran before with a
# path that binds it; the function still works afterwards.
def f(n):
    if n > 0:
        x = 1
    return x


def g(n):
    i = 0
    while i < n:
        last = i * i
        i += 1
    return last


def h(a, b):
    if a > 0:
        y = a
    elif b > 0:
        return b
    return y + a


print(f(1), f(5))
try:
    print(f(0))
except UnboundLocalError as e:
    print("UnboundLocalError:", e)
print(f(2))
print(g(5), g(1))
for n in (0, -3):
    try:
        print(g(n))
    except UnboundLocalError as e:
        print("UnboundLocalError:", e)
print(g(100000))
print(h(3, 0), h(0, 4))
try:
    print(h(0, 0))
except UnboundLocalError as e:
    print("UnboundLocalError:", e)
try:
    print(h(-1, -1))
except NameError as e:
    print(type(e).__name__, e)


def first_call_unbound(n):
    if n == 1:
        z = 10
    return z * 2


try:
    first_call_unbound(0)
except UnboundLocalError as e:
    print("UnboundLocalError:", e)
print(first_call_unbound(1))
