def f(a) -> str:
    return str(a)
print(f(1))
