vals = [0, 1, "", "x", [], [0], {}, None, 0.0]
print([v for v in vals if v])
print([bool(v) for v in vals])
print([not v for v in vals])
print(sum(1 for v in vals if not v))
x = [] or {} or "fallback"
y = "first" and "second"
print(x, y)
