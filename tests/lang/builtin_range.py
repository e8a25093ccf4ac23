print(list(range(3)), list(range(-3)), list(range(1, 4)), list(range(0, 10, 3)), list(range(3, -3, -2)))
r = range(0, 20, 5)
print(r[1], r[-1], len(r), 15 in r, 16 in r, r.index(10) if hasattr(r, "index") else "")
print(range(3) == range(0, 3), range(0) == range(5, 5))
try:
    range(1, 2, 0)
except ValueError as e:
    print("ValueError:", e)
try:
    range(1.5)
except TypeError as e:
    print("TypeError:", e)
