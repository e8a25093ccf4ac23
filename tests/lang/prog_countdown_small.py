def countdown(n):
    while n > 0:
        n -= 1
    return n
print(countdown(100000))
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
print(fib(18))
