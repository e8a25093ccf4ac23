# Conditions spread over lines in if and while.
def check(xs, d):
    i = 0
    while (i < len(xs)
           and xs[i] // d >= 0):
        i += 1
    if (i > 2 and
            xs[0] % d == 0):
        return i
    return -i


print(check([1, 2, 3], 1), check([5, 6], 2))
check([4, 5, 6], 0)
