print(1 in [1, 2], 3 not in [1, 2], "ell" in "hello", "x" in "hello")
print("a" in {"a": 1}, 1 in {"a": 1}, 2 in (1, 2), 2 in {2, 3})
a = [1]
b = a
c = [1]
print(a is b, a is c, a is not c, a == c)
print(None is None, None is not None)
print("" in "abc", [] in [[]], (1,) in [(1,)])
