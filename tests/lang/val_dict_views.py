d = {"a": 1, "b": 2}
k, v, it = d.keys(), d.values(), d.items()
d["c"] = 3
print(k, v, it)
print(len(k), list(k)[-1], "c" in k, 3 in v)
print(sorted(k), sorted(v), sorted(it))
print(list(zip(d.keys(), d.values())) == list(d.items()))
for key in list(d.keys()):
    if d[key] % 2:
        del d[key]
print(d)
