def f():
    print(v)
    v = 1
v = 0
f()
