try:
    print(sum([9223372036854775807, 1]))
except OverflowError:
    print("OverflowError")
try:
    print(int("99999999999999999999"))
except OverflowError:
    print("OverflowError")
try:
    x = 9223372036854775807
    x += 1
    print(x)
except OverflowError:
    print("OverflowError")
print("done")
