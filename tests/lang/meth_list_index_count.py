a = ["a", "b", "c", "b"]
print(a.index("b"), a.index("b", 2), a.count("b"), a.count("z"), [1, 1.0, True].count(1))
try:
    a.index("z")
except ValueError as e:
    print("ValueError:", e)
