def make(n):
    return lambda x: x * n
double = make(2)
triple = make(3)
print(double(5), triple(5))
fs = [lambda: i for i in range(3)]
print([f() for f in fs])
def counter():
    c = [0]
    return lambda: (c.append(len(c)), len(c) - 1)[1]
k = counter()
print(k(), k(), k())
