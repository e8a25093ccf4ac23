# sets of ints and other CPython-hash-stable values: iteration order must
# match CPython's table layout exactly.
def t(f):
    try:
        print(repr(f()))
    except (ValueError, TypeError, KeyError, RuntimeError) as e:
        print(type(e), e)

print(set(), {1, 2, 3}, {3, 2, 1}, set([5, 4, 3, 2, 1]), set(range(20)))
print(set([8, 16, 0, 24]), set([1, 9, 17, 25, 33]), set([-1, -2, -3, 100, 1000, 7]))
print(set([2 ** 40, 2 ** 61, -(2 ** 62), 2 ** 61 - 1, 12345678901234]))
print(set([1.5, 2.0, -0.5, 0.1, 1e10]), set([True, False, 0, 1, 2]))
print(set([(1, 2), (2, 1), (0,), ()]), {(1, (2, 3)), (-1, -2)})
s = set()
for i in range(0, 200, 7):
    s.add(i)
print(s)
for i in range(0, 200, 14):
    s.discard(i)
print(s, len(s))
s.add(7000); s.add(13); s.add(-5)
print(s)
r = {1, 2}
r.discard(1)
r.add(9)
print(r)
p = set(range(10))
print(p.pop(), p.pop(), p.pop(), p)
p.add(0); p.add(100)
print(p.pop(), p)
t(lambda: set().pop())
q = {1, 2, 3}
q.remove(2); print(q)
t(lambda: q.remove(42))
a = set([1, 2, 3, 4, 5, 17, 33])
b = set([4, 5, 6, 7, 33, 49])
print(a | b, a & b, a - b, b - a, a ^ b, b ^ a)
print(a.union(b, [100, 8]), a.intersection(b, {5, 33}), a.difference(b, [1]), a.symmetric_difference([5, 6, 50]))
print(a.union(), a.intersection(), a.difference())
print(a == {1, 2, 3, 4, 5, 17, 33}, a != b, {1, 2} < a, {1, 2} <= {1, 2}, a > {1}, a >= a, {1} < {1}, b <= a)
print(a.issubset(range(100)), a.issuperset([1, 2]), a.issuperset(b), a.isdisjoint(b), a.isdisjoint([0, 99]), {1}.isdisjoint({1}))
c = set(a)
c.update([10, 20], {30}); print(c)
c.intersection_update(range(0, 25)); print(c)
c.difference_update([1, 2], {3}); print(c)
c.symmetric_difference_update({4, 99}); print(c)
c2 = c.copy(); c2.add(-1); print(c, c2)
c2.clear(); print(c2, len(c2), bool(c2), bool(c))
print(3 in a, 99 in a, 1.0 in a, True in a, (1, 2) in {(1, 2)})
print(sorted({5, 3, 9}), sum({1, 2, 3}), len({1, 1, 1.0, True}), max({4, 8, 2}))
big = set(range(1000, 0, -3))
print(len(big), list(big)[:12])
neg = {-i * 37 for i in range(40)}
print(list(neg)[:15])
print({i * 1000 for i in range(12)})
print(set("aaa"), set([1, 2]) == set([2, 1]))
t(lambda: hash(set()))
t(lambda: {[]})
t(lambda: [] in {1})
t(lambda: {1} | [2])
t(lambda: {1} < [2])
t(lambda: set([1], [2]))
t(lambda: set(5))
t(lambda: set().add())
def mutate():
    m = {1, 2, 3}
    for x in m:
        m.add(x + 10)
t(mutate)
