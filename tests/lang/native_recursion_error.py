# The native tier: a pure recursive function that runs out of recursion depth
# raises RecursionError like CPython (caught here), and the depth is available
# again afterwards; sys.setrecursionlimit is honoured.
import sys


def down(n):
    return down(n + 1)


def depth(n):
    if n == 0:
        return 0
    return 1 + depth(n - 1)


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


try:
    down(0)
except RecursionError as e:
    print("RecursionError:", e)
print(depth(500))
try:
    print(depth(100000))
except RecursionError as e:
    print("RecursionError:", e)
print(depth(800), fib(20))
for i in range(3):
    try:
        depth(5000)
    except RecursionError as e:
        print(i, "RecursionError:", e)
print(depth(700))

old = sys.getrecursionlimit()
sys.setrecursionlimit(200)
try:
    print(depth(150))
except RecursionError as e:
    print("RecursionError at 150:", e)
print(depth(100))
try:
    print(depth(400))
except RecursionError as e:
    print("RecursionError at 400:", e)
sys.setrecursionlimit(old)
print(depth(400), depth(900))
sys.setrecursionlimit(5000)
print(depth(3000))
try:
    depth(20000)
except RecursionError as e:
    print("RecursionError:", e)
sys.setrecursionlimit(old)
print(sys.getrecursionlimit())
