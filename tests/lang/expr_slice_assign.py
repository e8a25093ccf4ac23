a = list(range(8))
a[2:4] = ["x", "y", "z"]
print(a)
a[:2] = []
print(a)
a[::2] = [0, 0, 0, 0]
print(a)
del a[1:3]
print(a)
del a[::2]
print(a)
b = [1, 2, 3]
b[len(b):] = [4, 5]
print(b)
b[:] = "ab"
print(b)
try:
    b[::2] = [1, 2, 3]
except ValueError as e:
    print("ValueError:", e)
