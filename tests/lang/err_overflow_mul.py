x = 3037000500
try:
    print(x * x)
except OverflowError:
    print("OverflowError")
try:
    print(2 ** 63)
except OverflowError:
    print("OverflowError")
print(2 ** 62, -(2 ** 62) * 2)
