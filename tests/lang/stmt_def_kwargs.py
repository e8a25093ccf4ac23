def f(a, b, c):
    return "%s %s %s" % (a, b, c)
print(f(1, 2, 3), f(1, c=3, b=2), f(c=1, b=2, a=3))
def g(*args, **kwargs):
    return args, kwargs
print(g(), g(1, 2), g(a=1), g(1, b=2, c=3))
def h(a, *args, sep="-", **kw):
    return sep.join(str(x) for x in (a,) + args), kw
print(h(1, 2, 3), h(1, 2, sep="+", z=0))
def only_kw(*, x, y=5):
    return x + y
print(only_kw(x=1), only_kw(y=1, x=1))
