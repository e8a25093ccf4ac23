# The native tier: functions with many parameters (more than fit in argument
# registers), many locals live across a self-call, constants at the int64
# limits, and pure functions mixed with ineligible ones (returning a bool or
# None, calling another function) that call them.
def eight(a, b, c, d, e, f, g, h):
    if a <= 0:
        return b + 2 * c + 3 * d + 4 * e + 5 * f + 6 * g + 7 * h
    return eight(a - 1, h, a, b, c, d, e, f) - eight(a - 2, g, h, a, b, c, d, e) % 1000


def live_across(n):
    if n <= 0:
        return 1
    a = n * 3
    b = n - 7
    c = a ^ b
    d = a & 255
    e = -b
    f = c | d
    g = e // 3
    h = f % 11
    r = live_across(n - 1)
    return (r + a + b + c + d + e + f + g + h) % 1000003


def limits(x):
    if x == 0:
        return 9223372036854775807
    if x == 1:
        return -9223372036854775807 - 1
    if x == 2:
        return 9223372036854775807 - 4611686018427387904
    if x == 3:
        return (-9223372036854775807 - 1) + 9223372036854775807
    if x == 4:
        return 4294967296 * 2147483647
    return -4294967296 * 2147483648


def is_even(n):
    # returns a bool: not eligible, runs interpreted
    return n % 2 == 0


def nothing(n):
    # returns None on one path
    if n > 0:
        return n


def square(n):
    return n * n


def sum_squares(n):
    # calls another function: not eligible
    s = 0
    i = 0
    while i < n:
        s += square(i)
        i += 1
    return s


print(eight(10, 1, 2, 3, 4, 5, 6, 7), eight(0, 1, 1, 1, 1, 1, 1, 1), eight(-1, 0, 0, 0, 0, 0, 0, 9))
print(eight(15, -1, 2, -3, 4, -5, 6, -7))
print(live_across(1), live_across(50), live_across(900))
print([limits(x) for x in range(6)])
print(is_even(4), is_even(-3), nothing(3), nothing(0), sum_squares(1000), square(-12))
print([square(x) for x in range(-3, 4)], sorted([5, -2, 9, 0], key=square))
