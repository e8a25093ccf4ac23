it = iter([1, 2, 3])
print(next(it), next(it), next(it), next(it, "done"))
try:
    next(it)
except StopIteration as e:
    print("StopIteration", repr(e))
s = iter("ab")
print(next(s), list(s), list(s))
d = iter({"k": 1, "j": 2})
print(next(d), list(d))
r = iter(range(2))
print(next(r), next(r), next(r, None))
try:
    iter(5)
except TypeError as e:
    print("TypeError:", e)
try:
    next([1])
except TypeError as e:
    print("TypeError:", e)
it = iter([10, 20])
for x in it:
    print("for", x, list(it))
