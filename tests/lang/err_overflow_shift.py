print(1 << 62)
try:
    print(1 << 63)
except OverflowError:
    print("OverflowError")
try:
    print(1 << 100)
except OverflowError:
    print("OverflowError")
print(-1 << 63)
