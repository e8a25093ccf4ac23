def f():
    pass
def g():
    return
print(f(), g())
r = [].append(1)
print(r)
print(print("x"))
