sq = lambda x: x * x
print(sq(4), (lambda: 42)(), (lambda a, b: a + b)(1, 2))
add = lambda a, b=10: a + b
print(add(1), add(1, 2), add(b=5, a=1))
va = lambda *args, **kw: (args, sorted(kw.items()))
print(va(1, 2, z=3, y=4))
fs = [lambda x, k=k: x + k for k in range(3)]
print([f(10) for f in fs])
print(sorted([(1, "b"), (0, "c"), (2, "a")], key=lambda p: p[1]))
