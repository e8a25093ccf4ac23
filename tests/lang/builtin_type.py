print(type(1), type(1.0), type("s"), type(b"b"), type([]), type(()), type({}), type(set()), type(None), type(True), type(range(1)))
print(type(1) == int, type(1) is int, type(True) is int, type("") == str, type([]) != list)
print(type(ValueError("x")), type(len), type(lambda: 1))
print(type(int), type(type(1)))
import math
print(type(math))
def f():
    pass
print(type(f) == type(lambda: 0))
print(int, str, list, dict, float, bool, tuple, set, bytes, range, type)
