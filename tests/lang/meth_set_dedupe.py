data = [5, 3, 5, 1, 3, 9]
seen = set()
out = []
for x in data:
    if x not in seen:
        seen.add(x)
        out.append(x)
print(out, len(seen), sorted(seen))
print(sorted(set(data)), len(set("aabbcc")))
print({(1, 2), (1, 2)} == {(1, 2)})
