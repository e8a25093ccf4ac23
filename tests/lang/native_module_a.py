# The native tier: a pure self-recursive function defined in a module that
# another test (native_module_global.py) imports: its inner calls go through
# this module's globals, not the importer's. Run on its own, it prints a few
# results.
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def countdown(n):
    while n > 0:
        n -= 1
    return n


if __name__ == "__main__":
    print(fib(20), countdown(100000))
