# The native tier: & | ^ and unary minus on ints of both signs (two's
# complement semantics of Python's unbounded ints agree with int64 here).
def band(a, b):
    return a & b


def bor(a, b):
    return a | b


def bxor(a, b):
    return a ^ b


def neg(a):
    return -a


def mix(a, b):
    return (a & b) ^ (-a | b) ^ -(a ^ -b)


def popcount(n):
    # n >= 0; counts bits without >> (n & -n isolates the lowest bit)
    c = 0
    while n != 0:
        n = n & (n - 1)
        c += 1
    return c


def lowbit(n):
    return n & -n


def xorshift(x, rounds):
    # a multiplicative hash kept in 32 bits with & (no shifts)
    while rounds > 0:
        x = (x * 1103515245 + 12345) & 2147483647
        x = x ^ (x // 65536)
        rounds -= 1
    return x


vals = [0, 1, -1, 2, -2, 5, -5, 255, -256, 4096, -4097, 9223372036854775807, -9223372036854775807 - 1]
print([band(a, b) for a in vals for b in vals])
print([bor(a, b) for a in vals for b in vals])
print([bxor(a, b) for a in vals for b in vals])
print([neg(a) for a in vals[:-1]])
small = vals[:11]
print([mix(a, b) for a in small for b in small])
print(popcount(0), popcount(1), popcount(255), popcount(9223372036854775807), popcount(123456789))
print(lowbit(12), lowbit(1), lowbit(0), lowbit(-8), lowbit(2 ** 62))
print(xorshift(1, 1000), xorshift(42, 100000), xorshift(0, 0))
print(neg(neg(7)), neg(0), -neg(3))
