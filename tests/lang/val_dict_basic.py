d = {"b": 1, "a": 2}
d["c"] = 3
print(d, len(d))
print(d["a"], "a" in d, "z" in d, "z" not in d)
d["b"] = 10
print(d)
del d["a"]
print(d)
d["a"] = 0
print(d, list(d))
print({}, {1: "x", 2.5: None, (1, 2): [3]})
print({1: 1, True: 2, 1.0: 3})
print({"x": 1} == {"x": 1}, {"x": 1, "y": 2} == {"y": 2, "x": 1})
