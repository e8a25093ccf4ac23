def f():
    pass
g = lambda: 1
print(type(f) == type(g))
print(f() is None, g())
print(type(len))
print(type(print) == type(len))
