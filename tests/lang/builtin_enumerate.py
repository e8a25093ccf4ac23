print(list(enumerate("abc")), list(enumerate(["x", "y"], 1)), list(enumerate([], 5)), list(enumerate("ab", start=10)))
for i, (a, b) in enumerate([(1, 2), (3, 4)]):
    print(i, a, b)
e = enumerate("z")
print(next(e))
