print(list(), list("abc"), list((1, 2)), list(range(3)), list({"a": 1, "b": 2}), list(b"AB"))
print(tuple(), tuple([1, 2]), tuple("ab"), tuple(x for x in range(3)))
print(dict(), dict(a=1, b=2), dict([("x", 1), ("y", 2)]), dict({"k": "v"}), dict([("a", 1)], b=2))
print(sorted(set("hello")), set(), sorted(set([3, 1, 3])), set((1,)) == {1})
l = [1, 2]
l2 = list(l)
l2.append(3)
print(l, l2)
try:
    dict([1, 2])
except TypeError as e:
    print("TypeError:", e)
try:
    list(5)
except TypeError as e:
    print("TypeError:", e)
