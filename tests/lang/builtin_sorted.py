print(sorted([3, 1, 2]), sorted([3, 1, 2], reverse=True), sorted("banana"), sorted((2.5, 1, 3)))
words = ["pear", "Apple", "fig", "banana", "kiwi"]
print(sorted(words), sorted(words, key=len), sorted(words, key=str.lower), sorted(words, key=len, reverse=True))
pairs = [(1, "b"), (0, "z"), (1, "a"), (0, "a")]
print(sorted(pairs), sorted(pairs, key=lambda p: p[1]))
print(sorted({"b": 1, "a": 2}), sorted({"b": 1, "a": 2}.items(), key=lambda kv: kv[1]))
recs = [("x", 2), ("y", 1), ("z", 2), ("w", 1)]
print(sorted(recs, key=lambda r: r[1]))
print(sorted(recs, key=lambda r: r[1], reverse=True))
try:
    sorted([1, "a"])
except TypeError as e:
    print("TypeError:", e)
