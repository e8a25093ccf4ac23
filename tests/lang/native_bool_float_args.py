# The native tier: pure int functions called with a bool, a float, a str or a
# list argument must give CPython's result (the native code is not used for
# those calls), before and after the same function ran on ints.
def add1(n):
    return n + 1


def ident(n):
    return n


def neg(n):
    return -n


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def twice(n):
    return n + n


def gcd(a, b):
    while b != 0:
        t = a % b
        a = b
        b = t
    return a


def loop(n, step):
    s = 0
    while n > 0:
        s = s + n
        n = n - step
    return s


def floor(a, b):
    return a // b * 10 + a % b


# first calls with ints, then the unusual types
print(add1(1), ident(5), neg(3), fib(15), twice(21), gcd(12, 18), loop(10, 1), floor(-7, 2))
print(add1(True), add1(False), add1(2.5), add1(-0.5))
print(ident(True), ident(False), ident(1.0), ident(-0.0))
print(neg(True), neg(False), neg(0.0), neg(2.5))
print(fib(True), fib(False), fib(2.0), fib(10.0), fib(1.5))
print(twice(True), twice("ab"), twice([1, 2]), twice((3,)), twice(0.1))
print(gcd(12, 18.0), gcd(True, 5), gcd(10, True), gcd(7.5, 2.5))
print(loop(10, 2.5), loop(3.0, 1), loop(True, True), loop(5, True))
print(floor(7.5, 2), floor(-7, 2.0), floor(True, 2), floor(7, True))
print(add1(1), ident(5), neg(3), fib(15), twice(21), gcd(12, 18), loop(10, 1), floor(-7, 2))


# first calls with the unusual types, then ints
def sub(a, b):
    return a - b


def mul_loop(n, k):
    r = 1
    while k > 0:
        r = r * n
        k -= 1
    return r


print(sub(1.5, 1), sub(True, True), sub(False, 1))
print(mul_loop(1.5, 3), mul_loop(True, 5), mul_loop("x", 0), mul_loop(2, 10))
print(sub(10, 3), mul_loop(3, 4), sub(-5, -5))
try:
    add1("s")
except TypeError as e:
    print("TypeError:", e)
try:
    twice(None)
except TypeError as e:
    print("TypeError:", e)
try:
    fib(None)
except TypeError as e:
    print("TypeError:", e)
print(fib(20))
