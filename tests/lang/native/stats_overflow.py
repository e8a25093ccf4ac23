# check_native.py: an int64 overflow inside a pure function bails to the
# interpreter, which raises OverflowError (caught here).
def fact(n):
    if n <= 1:
        return 1
    return n * fact(n - 1)


print(fact(20))
try:
    print(fact(25))
except OverflowError:
    print("OverflowError")
print(fact(10))
