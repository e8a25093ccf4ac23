vals = [0, 1.5, -2.25, 1234.5678, 1e-7, 1e21, float("inf"), -0.0]
for v in vals:
    print(f"{v}|{v:.2f}|{v:10.3f}|{v:<10}|{v:^12.1f}|{v:+.1f}")
n = 1234567
print(f"{n:,}|{n:>12,}|{-n:,}|{n:012d}|{n:_>10}")
print(f"{'left':<10}|{'right':>10}|{'mid':^10}|{'pad':*^9}")
print(f"{True}|{None}|{[1, 2]}|{(1,)}|{ {'k': 1} }")
