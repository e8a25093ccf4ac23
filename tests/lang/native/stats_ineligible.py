# check_native.py: only functions the native tier must refuse; none of their
# calls may be counted as entered.
def calls_print(n):
    print(n)
    return n


def uses_float(n):
    return n * 0.5


def for_loop(n):
    s = 0
    for i in range(n):
        s += i
    return s


print(calls_print(1), uses_float(3), for_loop(100))
