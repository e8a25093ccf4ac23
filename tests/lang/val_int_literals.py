print(0, 1, -1, 42, 1000000)
print(0x1f, 0o17, 0b1011, 1_000_000)
print(9223372036854775807)
print(-9223372036854775807 - 1)
x = 7
print(x, -x, +x, ~x)
print(type(x), type(x) is int)
