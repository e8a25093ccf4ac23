a, *b = [1, 2, 3, 4]
print(a, b)
*a, b = [1, 2, 3, 4]
print(a, b)
a, *b, c = range(5)
print(a, b, c)
a, *b, c = [1, 2]
print(a, b, c)
first, *rest = "hello"
print(first, rest)
for x, *ys in [(1, 2, 3), (4,)]:
    print(x, ys)
(a, *b), c = [1, 2, 3], 4
print(a, b, c)
