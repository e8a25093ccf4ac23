print(6 & 3, 6 | 3, 6 ^ 3, 1 << 10, 1024 >> 3, -16 >> 2, -1 << 3)
print(~5, 0xff & ~0x0f, 5 & -1)
print(True & False, True | False, True ^ True)
print(1 << 62, (1 << 62) >> 61)
a = 0b1010
a |= 0b0101
a &= 0b1100
a ^= 1
a <<= 2
a >>= 1
print(a)
try:
    1 << -1
except ValueError as e:
    print("ValueError:", e)
