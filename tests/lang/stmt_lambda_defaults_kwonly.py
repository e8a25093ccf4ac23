f = lambda a, b=2, *rest, c=3, **kw: (a, b, rest, c, sorted(kw))
print(f(1), f(1, 5, 6, 7, c=0, z=1))
def g(a, *, key=None, reverse=False):
    return sorted(a, key=key, reverse=reverse)
print(g([3, 1, 2]), g([3, 1, 2], reverse=True), g(["bb", "a"], key=len))
