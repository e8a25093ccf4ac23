import sys
def make():
    return [1, 2, 3]
x = make()
print(sys.getrefcount(x))
holder = {"a": x, "b": [x]}
print(sys.getrefcount(x))
holder["b"].append(x)
print(sys.getrefcount(x))
del holder
print(sys.getrefcount(x))
y = x
ys = (y, y)
print(sys.getrefcount(x))
del y, ys
print(sys.getrefcount(x))
