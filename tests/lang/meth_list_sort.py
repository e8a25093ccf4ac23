a = [5, 2, 8, 1, 9]
r = a.sort()
print(a, r)
a.sort(reverse=True)
print(a)
w = ["bb", "a", "ccc", "dd"]
w.sort(key=len)
print(w)
w.sort(key=len, reverse=True)
print(w)
recs = [(2, "x"), (1, "y"), (2, "a"), (1, "b")]
recs.sort(key=lambda r: r[0])
print(recs)
f = [3.5, -1, 2, 0.0]
f.sort()
print(f)
try:
    [1, "a"].sort()
except TypeError as e:
    print("TypeError:", e)
