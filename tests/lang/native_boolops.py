# The native tier: and / or / not in if and while conditions, and chained
# comparisons such as 0 < x < 10.
def in_range(x):
    if 0 < x < 10:
        return 1
    return 0


def chain3(a, b, c):
    if a <= b <= c:
        return 1
    if a > b > c:
        return -1
    if a == b != c:
        return 2
    return 0


def logic(a, b):
    r = 0
    if a > 0 and b > 0:
        r += 1
    if a > 0 or b > 0:
        r += 10
    if not a > 0:
        r += 100
    if not (a > 0 and b > 0) or a == b:
        r += 1000
    if a < 0 and (b < 0 or b == 5) and not a == -3:
        r += 10000
    return r


def truthy(a, b):
    # ints as conditions: zero is false
    r = 0
    if a:
        r += 1
    if a and b:
        r += 10
    if a or b:
        r += 100
    if not a:
        r += 1000
    if not b and not a:
        r += 10000
    return r


def scan(n):
    i = 0
    hits = 0
    while i < n and not (i > 50 and i % 7 == 0):
        if i % 3 == 0 or i % 5 == 0:
            hits += 1
        i += 1
    return hits * 1000 + i


def between_loop(lo, hi):
    x = lo
    s = 0
    while lo <= x < hi:
        if 3 < x % 10 <= 7:
            s += x
        x += 1
    return s


print([in_range(x) for x in (-5, 0, 1, 5, 9, 10, 11)])
print([chain3(a, b, c) for a in (1, 2, 3) for b in (1, 2, 3) for c in (1, 2, 3)])
print([logic(a, b) for a in (-3, -1, 0, 2) for b in (-1, 0, 2, 5)])
print([truthy(a, b) for a in (0, 1, -1) for b in (0, 2)])
print(scan(10), scan(100), scan(0))
print(between_loop(0, 100), between_loop(5, 5), between_loop(-20, 3))
