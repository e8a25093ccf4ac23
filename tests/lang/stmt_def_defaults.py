def f(a, b=2, c="x"):
    return a, b, c
print(f(1), f(1, 3), f(1, 3, "y"), f(1, c="z"), f(a=0, b=0))
def g(lst=[]):
    lst.append(1)
    return lst
print(g(), g(), g([5]))
N = 10
def h(n=N):
    return n
N = 20
print(h())
def k(a, b=None):
    if b is None:
        b = []
    b.append(a)
    return b
print(k(1), k(2))
