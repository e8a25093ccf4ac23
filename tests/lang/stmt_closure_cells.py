def counter():
    count = 0
    def step():
        nonlocal count
        count += 1
        return count
    def peek():
        return count
    return step, peek
s1, p1 = counter()
s2, p2 = counter()
s1(); s1(); s2()
print(p1(), p2())
def adders():
    return [(lambda x, i=i: x + i) for i in range(3)]
print([f(10) for f in adders()])
def late():
    fs = []
    for i in range(3):
        def f():
            return i
        fs.append(f)
    return [f() for f in fs]
print(late())
def outer(v):
    def mid():
        def inner():
            return v * 2
        return inner()
    return mid()
print(outer(21))
