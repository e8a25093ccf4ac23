print(min(3, 1, 2), max(3, 1, 2), min([4, 5, 1]), max("hello"), min("b", "a"))
print(max([1, 5, 3], key=lambda x: -x), min(["aaa", "b", "cc"], key=len), max(["aaa", "b", "cc"], key=len))
print(max([], default=0), min([], default=None), max((2, 1), (2, 3)))
print(max(1, 2.5), min(1.0, 1), max(1, 1.0))
try:
    max([])
except ValueError as e:
    print("ValueError:", e)
try:
    min()
except TypeError as e:
    print("TypeError:", e)
try:
    max(1, "a")
except TypeError as e:
    print("TypeError:", e)
