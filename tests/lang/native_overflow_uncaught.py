# The native tier: an int64 overflow deep inside a pure recursive function,
# not caught: the program stops with OverflowError (exit status 1) after the
# output printed before it, like the interpreter.
def fact(n):
    if n <= 1:
        return 1
    return n * fact(n - 1)


print(fact(20))
print(fact(30))
print("not reached")
