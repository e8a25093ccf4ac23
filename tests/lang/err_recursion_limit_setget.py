import sys
print(sys.getrecursionlimit())
sys.setrecursionlimit(200)
print(sys.getrecursionlimit())
depth = 0
def dive():
    global depth
    depth += 1
    dive()
try:
    dive()
except RecursionError:
    print("deep enough:", 150 < depth < 200)
sys.setrecursionlimit(1000)
def ok(n):
    return 0 if n == 0 else 1 + ok(n - 1)
print(ok(800))
