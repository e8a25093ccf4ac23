print(int(), int(5), int(-5.9), int(5.9), int("42"), int("  -17 "), int("+3"), int(True))
print(int("ff", 16), int("0xff", 16), int("777", 8), int("1010", 2), int("z", 36), int("0b11", 0), int("0o17", 0), int("10", 0))
print(int("1_000"), int(3.0e10))
for bad in ["", "1.5", "abc", "0x10", " "]:
    try:
        int(bad)
    except ValueError as e:
        print("ValueError:", e)
try:
    int("9", 8)
except ValueError as e:
    print("ValueError:", e)
try:
    int(None)
except TypeError as e:
    print("TypeError:", e)
try:
    int(float("inf"))
except OverflowError as e:
    print("OverflowError:", e)
try:
    int(float("nan"))
except ValueError as e:
    print("ValueError:", e)
