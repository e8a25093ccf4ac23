big = 9223372036854775807
small = -9223372036854775807 - 1
print(big, small, big - 1, small + 1, big // 2, small // 2, big % 10, small % 10)
print(-big, abs(small + 1), big > small, big == 9223372036854775807)
print(hex(big), bin(small + 1)[:5], int(str(big)) == big, float(big))
print(big * 1.0, small / 2, divmod(small, 7), divmod(big, -7))
