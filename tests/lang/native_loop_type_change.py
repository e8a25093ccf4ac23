# Loop regions: a local the loop's native code uses changes type inside the
# loop (int -> str, int -> float, int -> None, int -> bool, int -> list), so
# the entry check at later back-edges fails and the interpreter runs the rest;
# or it starts as another type and becomes an int, so later back-edges enter.


def int_then_str(n):
    x = 0
    i = 0
    while i < n:
        if i == n // 2:
            x = "half"
        elif i > n // 2:
            x = x + "."
        else:
            x = x + i
        i += 1
    return x, i


def int_then_float(n):
    x = 1
    i = 0
    while i < n:
        x = x * 3 % 1000
        if i == 50:
            x = x / 4
        i += 1
    return x, i


def int_then_none(n):
    x = 5
    i = 0
    seen = 0
    while i < n:
        if x is None:
            seen += 1
        else:
            x = x + 1
            if x > 40:
                x = None
        i += 1
    return x, seen


def str_then_int(n):
    x = "start"
    i = 0
    while i < n:
        if i == 10:
            x = 0
        elif i > 10:
            x += i
        i += 1
    return x


def float_then_int(n):
    x = 0.5
    i = 0
    while i < n:
        x = x * 2
        if i == 20:
            x = int(x)
        i += 1
        if i > 30:
            x = x % 1000003
    return x, type(x).__name__


def flips(n):
    # changes type back and forth every few iterations
    x = 0
    i = 0
    out = []
    while i < n:
        r = i % 7
        if r == 3:
            x = str(x)
        elif r == 4:
            x = int(x) + 1
        elif r == 5:
            x = float(x)
        elif r == 6:
            x = int(x) % 1000 * 2
        else:
            x = x + r
        i += 1
        if i % 100 == 0:
            out.append(x)
    return x, out[:5], len(out)


def unbound_first(n):
    i = 0
    s = 0
    while i < n:
        if i == 7:
            y = 100
        if i > 7:
            y = y + i
            s += y % 13
        i += 1
    return s, y


def param_types(a, n):
    # the same function called with an int, a float and a str start value
    i = 0
    while i < n:
        a = a + a
        i += 1
    return a


def poly(a, n):
    # the region is compiled at the first back-edge of the first call, for
    # the locals that are ints then; later calls pass other types
    i = 0
    b = 1
    while i < n:
        a = a + a
        b = b * 3 % 1009
        i += 1
    return a, b


def first_unbound(n):
    # y is unbound at the loop's first back-edge, an int later
    i = 0
    t = 0
    while i < n:
        if i >= 3:
            t += y
        y = i * 2
        i += 1
    return t, y


def swap_roles(n):
    # at the first back-edge p is a str and q an int; then they swap types
    p = "a"
    q = 0
    i = 0
    while i < n:
        if i == 5:
            p, q = 0, "b"
        elif i > 5:
            p = p + i
            q = q + "."
        else:
            p = p + "a"
            q = q + i
        i += 1
    return p, len(q)


print(poly("s", 3), poly(2.5, 3), poly(7, 50), poly([1], 2), poly(True, 3), poly(-1, 62))
print(poly(1, 5), poly(0.25, 4), poly(3, 3), poly("xy", 2))
print(first_unbound(1000), first_unbound(2))
print(swap_roles(2000))


print(int_then_str(200))
print(int_then_float(100))
print(int_then_none(1000))
print(str_then_int(5000))
print(float_then_int(200))
print(flips(2000))
print(unbound_first(3000))
print(param_types(1, 40), param_types(1.5, 10), param_types("ab", 4), param_types(True, 3))
try:
    print(param_types(None, 3))
except TypeError as e:
    print("TypeError", e)
