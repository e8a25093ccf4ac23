d = {}
for k in ["zeta", "alpha", "mid", "beta"]:
    d[k] = len(k)
print(d)
print(list(d.keys()), list(d.values()))
d.pop("alpha")
d["alpha"] = 99
print(d)
for k, v in d.items():
    print(k, v)
