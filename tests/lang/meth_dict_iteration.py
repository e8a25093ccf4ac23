d = {"one": 1, "two": 2, "three": 3}
for k in d:
    print(k, d[k])
for k, v in d.items():
    print(k, "->", v)
print(sum(d.values()), max(d, key=d.get), sorted(d, key=lambda k: d[k]))
inv = {v: k for k, v in d.items()}
print(inv)
try:
    for k in d:
        d["four"] = 4
except RuntimeError as e:
    print("RuntimeError:", e)
