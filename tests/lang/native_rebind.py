# The native tier: a self-recursive function's inner calls go through its
# global name, so after the name is rebound (to a lambda, another pure
# function, a non-callable, or deleted) the old function object calls the new
# binding, exactly as in CPython.
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


print(fib(20))
g = fib
fib = lambda n: 0
print(g(10), g(1), g(0), fib(10))
print([g(i) for i in range(6)])


def double(n):
    return n * 2


fib = double
print(g(10), g(2), fib(7))

fib = lambda n: n + 1000
print(g(10))


def count_calls_shape(n):
    # pure too; becomes the target of the old fib's inner calls
    if n <= 0:
        return 1
    return count_calls_shape(n - 1) + 1


fib = count_calls_shape
print(g(10), g(3))

fib = 5
try:
    g(10)
except TypeError as e:
    print("TypeError:", e)
print(g(1), g(0))

del fib
try:
    g(10)
except NameError as e:
    print("NameError:", e)
print(g(1))

fib = g
print(fib(20), g(21))


def countdown(n):
    if n == 0:
        return 0
    return countdown(n - 1)


c = countdown
print(c(500))
countdown = lambda n: n * 100
print(c(5), c(0))
countdown = c
print(c(600), countdown(700))


# rebinding a name in the middle of a loop of calls
def tri(n):
    if n == 0:
        return 0
    return n + tri(n - 1)


t = tri
out = []
for i in range(6):
    if i == 3:
        tri = lambda n: -1
    out.append(t(5))
print(out)
tri = t
print(tri(100))
