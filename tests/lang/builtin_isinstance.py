print(isinstance(1, int), isinstance(True, int), isinstance(1.0, int), isinstance(1.0, float), isinstance("s", str))
print(isinstance([], list), isinstance((), tuple), isinstance({}, dict), isinstance(set(), set), isinstance(b"", bytes))
print(isinstance(1, (str, int)), isinstance(None, (str, list)), isinstance(range(1), range), isinstance(True, bool))
print(isinstance(ValueError("x"), Exception), isinstance(KeyError(), Exception))
print(isinstance(KeyboardInterrupt(), Exception), isinstance(KeyboardInterrupt(), BaseException))
print(isinstance(FileNotFoundError(), OSError), isinstance(RecursionError(), RuntimeError), isinstance(UnboundLocalError(), NameError))
try:
    isinstance(1, 2)
except TypeError as e:
    print("TypeError:", e)
