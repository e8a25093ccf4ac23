# round(): banker's rounding for ints and floats, correctly rounded round(x, n).
def check(label, f):
    try:
        print(label, repr(f()))
    except Exception as e:
        print(label, type(e).__name__ + ":", e)

for x in [0.5, 1.5, 2.5, -0.5, -1.5, 0.49999999999999994, 1e15 + 0.5, -0.4, 3.7, -3.7]:
    print(x, round(x), round(x, 0), round(x, None))
for x in [2.675, 1.005, 0.125, 0.375, 1234.5678, -1234.5678, 5e-324, 1e300, 0.1 + 0.2]:
    print(x, [round(x, n) for n in (-3, -2, -1, 0, 1, 2, 3, 10)])
print(round(2.5, 400), round(2.5, -400), round(-2.5, -400), round(0.0, 2), round(-0.0, 2))
print(round(float("inf"), 2), round(float("nan"), 2), round(float("-inf"), -2))
for n in [15, 25, -25, 35, 1234, -1234, 5, 0, 922337203685477580]:
    print(n, round(n), round(n, 1), round(n, -1), round(n, -2), round(n, -30))
print(round(True), round(False, 2), round(True, -1))
check("nan", lambda: round(float("nan")))
check("inf", lambda: round(float("inf")))
check("str", lambda: round("a"))
check("ndfloat", lambda: round(1.5, 1.0))
check("ndstr", lambda: round(1, "a"))
check("kw", lambda: round(number=2.5, ndigits=0))
check("kwbad", lambda: round(number=1.5, ndigits=1, x=2))
