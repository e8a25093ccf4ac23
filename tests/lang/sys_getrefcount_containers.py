import sys
x = []
print(sys.getrefcount(x))
l = [x, x, x]
print(sys.getrefcount(x))
d = {"k": x}
print(sys.getrefcount(x))
l.pop()
print(sys.getrefcount(x))
del d["k"]
l.clear()
print(sys.getrefcount(x))
t = (x,)
print(sys.getrefcount(x))
del t
print(sys.getrefcount(x))
