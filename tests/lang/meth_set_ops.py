s = {1, 2, 3}
s.add(4)
s.discard(10)
s.discard(1)
s.remove(2)
print(sorted(s))
try:
    s.remove(99)
except KeyError as e:
    print("KeyError:", e)
a = {1, 2, 3}
b = {3, 4}
print(sorted(a.union(b)), sorted(a.intersection(b)), sorted(a.difference(b)), sorted(a.union([9], (8,))))
a.update([10, 11])
print(sorted(a), 10 in a, 12 in a)
p = {7}
print(p.pop(), p)
try:
    p.pop()
except KeyError as e:
    print("KeyError:", e)
c = {1, 2}
d = c.copy() if hasattr(c, "copy") else set(c)
d.add(3)
print(sorted(c), sorted(d))
