def a():
    return 1, 2
def b(x):
    if x:
        return "yes"
    return "no"
def c():
    for i in range(10):
        if i == 3:
            return i
def d():
    while True:
        return "loop"
def e():
    try:
        return "try"
    finally:
        print("finally in e")
print(a(), b(1), b(0), c(), d(), e())
x, y = a()
print(x + y)
