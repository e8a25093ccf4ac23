# The native tier: self-recursive pure int functions (fib, a two-argument
# recursion, a three-argument one) give CPython's results.
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def ack(m, n):
    if m == 0:
        return n + 1
    if n == 0:
        return ack(m - 1, 1)
    return ack(m - 1, ack(m, n - 1))


def binom(n, k, z):
    # z is a zero passed along, so the recursion has three parameters
    if k == z or k == n:
        return 1
    return binom(n - 1, k - 1, z) + binom(n - 1, k, z)


def tri(n):
    if n <= 0:
        return 0
    return n + tri(n - 1)


print(fib(25))
print([fib(i) for i in range(21)])
print(ack(2, 3), ack(2, 10), ack(3, 3))
print(binom(20, 10, 0), binom(16, 3, 0), binom(5, 5, 0))
print(tri(100), tri(0), tri(-5))
h = fib
print(h(15), fib(15) == h(15))
