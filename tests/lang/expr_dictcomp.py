print({k: k * k for k in range(5)})
print({v: k for k, v in {"a": 1, "b": 2}.items()})
print({w: len(w) for w in ["apple", "fig", "banana"] if len(w) > 3})
print({i % 3: i for i in range(10)})
