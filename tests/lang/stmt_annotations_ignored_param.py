def f(a, b: int):
    return a + b
print(f(1, 2))
