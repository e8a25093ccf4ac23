print([x * x for x in range(6)])
print([x for x in range(20) if x % 3 == 0 if x % 2 == 0])
print([(x, y) for x in range(3) for y in range(x)])
print([c.upper() for c in "abc"])
print([[j for j in range(i)] for i in range(4)])
x = "outer"
print([x for x in range(3)], x)
print([a + b for a, b in [(1, 2), (3, 4)]])
