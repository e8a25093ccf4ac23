print(repr("42".zfill(5)), repr("-42".zfill(5)), repr("+7".zfill(4)), repr("abc".zfill(2)))
print(repr("ab".center(6)), repr("ab".center(7, "*")), repr("abc".center(2)), repr("ab".center(5)))
print(repr("ab".ljust(5)), repr("ab".rjust(5)), repr("ab".ljust(5, ".")), repr("ab".rjust(1, ".")))
try:
    "a".center(5, "xy")
except TypeError as e:
    print("TypeError:", e)
