# Loop regions and tracebacks: a ZeroDivisionError raised where the native
# loop hands a `%` by zero over to the interpreter, uncaught, two calls deep;
# the traceback's frames and line numbers must be CPython's (partial results
# on the stack at the hand-over). What was printed before stays.


def inner(n, d):
    i = 0
    t = 0
    while i < n:
        t = t + i * 3 + (i + 1) % d
        i += 1
        d -= 1
    return t


def outer(n):
    s = 0
    k = 0
    while k < 3:
        s += inner(n, 1000 + k)
        print("pass", k, s)
        k += 1
    return s + inner(n, 10)


print(outer(100))
print(outer(1000))
