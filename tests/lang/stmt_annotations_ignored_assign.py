x: int = 5
print(x)
