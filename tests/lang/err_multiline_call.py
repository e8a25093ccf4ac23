# A multi-line call: the callee's frame is listed with the line of the call's start,
# an argument that fails with its own line.
def boom(a, b):
    return a // b


def caller(n):
    total = boom(
        n,
        n - n)
    return total


def args(a):
    return max(1,
               2,
               a + "s")


try:
    args(1)
except TypeError as e:
    print("TypeError", e)
caller(3)
