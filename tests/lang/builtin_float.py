print(float(), float(3), float("1.5"), float(" -2.25 "), float("1e3"), float("inf"), float("-Infinity"), float("nan"))
print(float(True), float("0.1"), float(".5"), float("5."))
for bad in ["", "abc", "1.2.3", "0x1"]:
    try:
        float(bad)
    except ValueError as e:
        print("ValueError:", e)
try:
    float([])
except TypeError as e:
    print("TypeError:", e)
print(float(10 ** 18), float(-0), float("-0.0"))
