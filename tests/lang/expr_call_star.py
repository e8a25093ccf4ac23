def f(a, b, c=0, *rest, **kw):
    return (a, b, c, rest, sorted(kw.items()))
args = [1, 2, 3, 4]
kw = {"x": 5, "y": 6}
print(f(*args))
print(f(*args, **kw))
print(f(1, *[2], **{"c": 9}))
print(f(*(1, 2)))
print(max(*[3, 8, 1]))
print(*[1, 2, 3], sep="-")
