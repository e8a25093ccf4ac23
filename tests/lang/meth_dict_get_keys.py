d = {"a": 1, "b": 2, "c": 3}
print(d.get("a"), d.get("z"), d.get("z", 0), d.keys(), d.values(), d.items())
print(list(d.keys()), list(d.values()), list(d.items()), len(d.keys()), "a" in d.keys(), 2 in d.values(), ("a", 1) in d.items())
k = d.keys()
d["e"] = 5
print(k, sorted(k))
try:
    d["zz"]
except KeyError as e:
    print("KeyError:", e)
