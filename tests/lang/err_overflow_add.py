x = 9223372036854775807
print(x)
try:
    y = x + 1
    print("no overflow", y)
except OverflowError as e:
    print("OverflowError")
