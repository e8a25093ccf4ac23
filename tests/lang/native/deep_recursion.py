# check_native.py: deep recursion of pure functions in a thread, beyond what
# CPython's C stack allows (so not a differential test): the output must be
# the same with and without the native tier.
import sys
import threading


def depth(n):
    if n == 0:
        return 0
    return 1 + depth(n - 1)


def eight(a, b, c, d, e, f, g, h):
    if a == 0:
        return b + c + d + e + f + g + h
    return eight(a - 1, b + 1, c, d, e, f, g, h)


sys.setrecursionlimit(1000000)
out = {}


def work(n):
    try:
        out[n] = depth(n)
    except RecursionError as e:
        out[n] = "RecursionError: " + str(e)
    try:
        out[-n] = eight(n, 0, 1, 2, 3, 4, 5, 6)
    except RecursionError as e:
        out[-n] = "RecursionError: " + str(e)


for n in (5000, 20000, 60000):
    t = threading.Thread(target=work, args=(n,))
    t.start()
    t.join()
    print(n, out[n], out[-n])
work(30000)
print(out[30000], out[-30000])
