# Loop regions and int64 overflow (gild's documented difference from CPython,
# hence native_loop_overflow.expected): the native code hands the overflowing
# instruction over to the interpreter, which raises OverflowError there; it
# is caught inside the loop (which goes on, and re-enters native code) or
# outside it, and the locals hold the values from before the overflow.


def grow_and_reset(n):
    i = 0
    x = 1
    resets = 0
    while i < n:
        try:
            x = x * 3
        except OverflowError:
            resets += 1
            x = i
        i += 1
    return x, resets


def add_until(step):
    t = 0
    k = 0
    try:
        while k < 100:
            t += step
            k += 1
    except OverflowError:
        return "OverflowError", k, t
    return t


def neg_min(n):
    small = -9223372036854775807 - 1
    i = 0
    v = small + n
    errs = 0
    while i < 2 * n:
        try:
            w = -v
            v -= 1
        except OverflowError:
            errs += 1
            v = small + 3
        i += 1
    return v, errs, w


def div_min(n):
    small = -9223372036854775807 - 1
    out = []
    d = 2
    while d > -3:
        try:
            q = small // d
            r = small % d
            out.append((q, r))
        except OverflowError:
            out.append("OverflowError")
        except ZeroDivisionError:
            out.append("ZeroDivisionError")
        d -= 1
    return out


def shift_loop(n):
    i = 0
    out = []
    while i < n:
        try:
            out.append(1 << i)
        except OverflowError:
            out.append(i)
        i += 16
    return out


def mid_expression(n):
    # the overflow is the inner product; the partial sum is on the stack
    big = 4611686018427387904
    i = 0
    s = 0
    caught = 0
    while i < n:
        try:
            s = s + (i + big * (i % 3))
            s = s % 1000003
        except OverflowError:
            caught += 1
        i += 1
    return s, caught


print(grow_and_reset(200))
print(add_until(1 << 60), add_until(-(1 << 61)))
print(neg_min(5))
print(div_min(0))
print(shift_loop(80))
print(mid_expression(1000))
