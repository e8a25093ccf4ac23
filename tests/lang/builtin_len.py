print(len(""), len("abc"), len("日本"), len(b"\x00\x01"), len([]), len([1, [2, 3]]))
print(len(()), len((1,)), len({}), len({"a": 1}), len(set()), len({1, 2}), len(range(10)), len(range(5, 0, -2)))
try:
    len(5)
except TypeError as e:
    print("TypeError:", e)
try:
    len(None)
except TypeError as e:
    print("TypeError:", e)
