# check_native.py: pure int functions, compiled by their first (int) calls,
# then given a float, a bool and a str: they must fall back and give CPython's
# results.
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def twice(n):
    return n + n


print(fib(20), twice(21))
print(fib(10.0), fib(2.5), twice(2.5), twice(-0.0))
print(fib(True), twice(True), twice("ab"))
print(fib(20), twice(21))
