# The native tier: // and % with every sign combination (floor semantics, not
# C's truncation), and gcd / collatz / digit-sum loops built on them.
def fdiv(a, b):
    return a // b


def fmod(a, b):
    return a % b


def both(a, b):
    q = a // b
    r = a % b
    return q * 1000 + r


def gcd(a, b):
    while b != 0:
        a, b = b, a % b
    return a


def gcd2(a, b):
    while b != 0:
        t = a % b
        a = b
        b = t
    return a


def collatz(n):
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


def digit_sum(n):
    if n < 0:
        n = -n
    s = 0
    while n > 0:
        s += n % 10
        n //= 10
    return s


def floor_digits(n):
    # on a negative n, % 10 and // 10 floor: this differs from C
    s = 0
    k = 0
    while k < 4:
        s = s * 100 + n % 10
        n = n // 10
        k += 1
    return s


print(fdiv(-7, 2), fmod(-7, 2), fdiv(7, -2), fmod(7, -2), fdiv(-7, -2), fmod(-7, -2))
print(fdiv(7, 2), fmod(7, 2), fdiv(-8, 2), fmod(-8, 2), fdiv(0, -3), fmod(0, -3))
pairs = []
for a in (-13, -7, -6, -1, 0, 1, 6, 7, 13):
    for b in (-5, -3, -2, -1, 1, 2, 3, 5):
        pairs.append((fdiv(a, b), fmod(a, b), both(a, b)))
print(pairs)
m = -9223372036854775807 - 1
print(fmod(m, -1), fmod(m, 1), fdiv(m, 1), fmod(m, 7), fdiv(m, 7), fmod(m, -7), fdiv(m, -7))
big = 9223372036854775807
print(fdiv(big, -1), fmod(big, -1), fdiv(big, 2), fmod(big, -2), fdiv(-big, 3))
print(gcd(1071, 462), gcd(0, 5), gcd(5, 0), gcd(-12, 18), gcd(12, -18), gcd(-12, -18))
print(gcd2(1071, 462), gcd2(-48, 180), gcd2(2 ** 40, 6 ** 20))
print([collatz(i) for i in range(1, 30)], collatz(27), collatz(837799))
print(digit_sum(0), digit_sum(9), digit_sum(123456789), digit_sum(-4096), digit_sum(big))
print(floor_digits(1234), floor_digits(-1234), floor_digits(-1))
for a, b in ((1, 0), (-5, 0), (0, 0)):
    try:
        print(fdiv(a, b))
    except ZeroDivisionError as e:
        print("ZeroDivisionError:", e)
    try:
        print(fmod(a, b))
    except ZeroDivisionError as e:
        print("ZeroDivisionError:", e)
print(fdiv(10, 3), fmod(10, 3))
