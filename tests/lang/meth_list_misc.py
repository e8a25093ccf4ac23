a = [1, 2, 3]
b = a.copy()
b.append(4)
print(a, b, a is b)
a.reverse()
print(a)
a.clear()
print(a, len(a))
c = [[1], [2]]
d = c.copy()
d[0].append(9)
print(c)
print([1, 2] * 2, [0] * 0, [[0] * 2] * 2)
e = [3, 1, 2]
print(sorted(e), e, list(reversed(e)), e[::-1])
