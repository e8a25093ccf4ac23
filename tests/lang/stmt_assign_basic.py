a = 1
b = c = 2
print(a, b, c)
a, b = b, a
print(a, b)
x, y, z = "xyz"
print(x, y, z)
(p, q), r = (1, 2), 3
print(p, q, r)
[m, n] = [4, 5]
print(m, n)
i, j = range(2)
print(i, j)
d = {}
d["k"], e = 1, 2
print(d, e)
l = [0, 0, 0]
l[0], l[2] = 7, 9
print(l)
