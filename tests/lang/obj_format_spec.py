# format() and f-string format specs for int, float, str, bool, None.
def t(f):
    try:
        print(repr(f()))
    except (ValueError, TypeError, OverflowError) as e:
        print(type(e), e)

ints = [0, 1, -1, 7, 42, -42, 255, 1234, -1234567, 1099511627776, -9223372036854775807 - 1, 9223372036854775807]
int_specs = ["", "d", "5", "<5", ">5", "^5", "=+8", "+", " ", "-", "05", "08,", "09,",
             "010,", ",", "_", "x", "X", "#x", "#X", "#010x", "o", "#o", "b", "#b",
             "_b", "_x", "#_x", "*^9", "0<6", "n", "e", ".2f", "%", ".1%", "g", "10.3E",
             "+,", "z^5"]
for v in ints:
    for s in int_specs:
        t(lambda: format(v, s))

floats = [0.0, -0.0, 1.0, -1.5, 0.1, 2.5, 3.14159265, 1234.5678, -1234567.891, 1e16,
          1.5e-7, 1e22, 123456789.0, 0.000012345, 1e100, float("inf"), float("-inf"),
          float("nan")]
float_specs = ["", "f", ".0f", ".1f", ".2f", ".10f", "e", ".0e", ".3e", "E", "g", ".0g",
               ".3g", "#g", "#.3g", "G", "%", ".1%", ".0%", "10.2f", "<10.2f", "^12.3f",
               "=+12.2f", "012.2f", "+.3", ".3", ".1", ".0", ".12", ",", ",.2f", "_.3f",
               "015,.2f", " .2e", "z.1f", "z", "n", "#.0f", "#.0e", "F", "*>10", "10",
               "-", "+"]
for v in floats:
    for s in float_specs:
        t(lambda: format(v, s))

strs = ["", "a", "abc", "héllo", "日本語"]
str_specs = ["", "s", "5", "<5", ">5", "^5", "^6", "*^7", "é>4", ".2", "5.1", "05",
             "x", "+", "=5", "#", ",", "z", "d"]
for v in strs:
    for s in str_specs:
        t(lambda: format(v, s))

for v in [True, False]:
    for s in ["", "d", ">5", "x", "05", "s", "q", ".2f"]:
        t(lambda: format(v, s))

for s in ["", ">3", "s"]:
    t(lambda: format(None, s))
t(lambda: format([1, 2], ""))
t(lambda: format([1, 2], "x"))
t(lambda: format((1,), ">5"))
t(lambda: format(5, "abc"))
t(lambda: format(5, "."))
t(lambda: format(5, ",_"))
t(lambda: format(5, "_,"))
t(lambda: format(5, ",x"))
t(lambda: format(5, ",c"))
t(lambda: format(65, "c"))
t(lambda: format(233, "^5c"))
t(lambda: format(-1, "c"))
t(lambda: format(1114112, "c"))
t(lambda: format(65, "+c"))
t(lambda: format(65, "#c"))
t(lambda: format(5, ".2"))
t(lambda: format(1.0, ",n"))
t(lambda: format(1.0, "abc"))

x = 3.14159
n = 1234567
name = "gild"
print(f"{x}|{x:.3f}|{x:>10}|{x:<10.2f}|{n:,}|{n:08d}|{n:_}|{name!r}|{name:>8}|{name:^9}|")
print(f"{n:#x} {n:#o} {n:#b} {-n:+,} {x:e} {x:%} {0.5:.0f} {1.5:.0f} {2.675:.2f}")
w = 12
p = 4
print(f"[{x:{w}.{p}f}] [{name:{w}}] [{n:>{w},}]")
