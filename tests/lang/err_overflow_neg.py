m = -9223372036854775807 - 1
print(m)
try:
    print(-m)
except OverflowError:
    print("OverflowError")
try:
    print(m - 1)
except OverflowError:
    print("OverflowError")
try:
    print(abs(m))
except OverflowError:
    print("OverflowError")
