for i in range(4):
    print("even" if i % 2 == 0 else "odd", i if i > 1 else -i)
x = None
print(x if x is not None else "default")
print(1 if True else 2 if False else 3)
print((lambda n: "neg" if n < 0 else "zero" if n == 0 else "pos")(-3))
