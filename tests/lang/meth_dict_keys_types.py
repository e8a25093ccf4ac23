d = {1: "int", 2.5: "float", "s": "str", (1, 2): "tuple", None: "none", True: "bool?", b"b": "bytes"}
print(d)
print(d[1], d[(1, 2)], d[None], d[b"b"])
counts = {}
for w in "a b a c b a".split():
    counts[w] = counts.get(w, 0) + 1
print(counts)
