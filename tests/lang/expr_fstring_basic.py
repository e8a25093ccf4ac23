name = "gild"
n = 42
pi = 3.14159265
print(f"hello {name}!", f"{n}", f"{n + 1}", f"{{literal}}", f"{name!r}", f"{name!s}")
print(f"{pi}", f"{[1, 'a']}", f"{None}", f"{True}")
print(f"{n} {n:d} {pi:.2f} {pi:.0f} {n:5}|{name:>8}|{name:<8}|{name:^8}|")
print(f"{'nested'}", f"{n:08d}", f"{-n:08d}", f"{1234567:,}", f"{1234567.891:,.2f}")
print(f"{n!r:>6}", f"{name!r:^10}")
print(f"{n:x} {n:X} {n:o} {n:b} {n:#x}")
print(f"{pi:10.3f}|{pi:<10.3f}|{pi:e}|{pi:g}")
print(f"{n:+d} {-n:+d} {pi:+.1f}")
w = 6
print(f"{n:>{w}}|{pi:.{2}f}")
