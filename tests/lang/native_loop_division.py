# Loop regions and `//` `%` the native code does not: a divisor that reaches 0
# (ZeroDivisionError raised by the interpreter at that instruction, caught
# inside or outside the loop) and negative divisors or dividends (Python's
# floor semantics), with partial results on the value stack at the hand-over.


def countdown_div(x):
    d = 3
    out = []
    while d >= -3:
        try:
            out.append(x // d)
            out.append(x % d)
        except ZeroDivisionError as e:
            out.append(str(e))
        d -= 1
    return out


def no_list_div(x, start):
    # the only non-int thing is the exception: every // and % is native or a hand-over
    d = start
    s = 0
    z = 0
    while d > -start:
        try:
            s += x // d + x % d
        except ZeroDivisionError:
            z += 1
        d -= 1
    return s, z


def deep_stack(n, e):
    i = 0
    r = 0
    while i < n:
        # a, b*c and more are on the stack when `// e` hands over
        r = r + (i + (i * 3 + (7 - (i % 5 + (i * 11 // e)))))
        r = r % 1000003
        i += 1
        e -= 1
        if e == 0:
            e = -7
    return r, e


def mod_negative(n):
    i = 1
    acc = 0
    while i < n:
        acc += (i * 37) % -i + (-i * 13) % 7 + (-i) // 3 + i // -4
        i += 1
    return acc


def neg_in_cond(n, d):
    i = 0
    c = 0
    while i % d != -1 and i < n:
        i += 1
        c += i // d
    return i, c


def uncaught_in_loop(n):
    i = 10
    s = 0
    while i > -10:
        s += n // i
        i -= 1
    return s


def mixed_signs(a, b):
    out = []
    i = 0
    while i < 6:
        out.append((a // b, a % b, -a // b, a % -b, -a % -b))
        a += 7
        b = -b if i % 2 else b + 1
        i += 1
    return out


print(countdown_div(17), countdown_div(-17), countdown_div(0))
print(no_list_div(1000, 50), no_list_div(-999, 9))
print(deep_stack(2000, 5))
print(mod_negative(2000))
print(neg_in_cond(100, -3), neg_in_cond(100, 7))
try:
    uncaught_in_loop(100)
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)
print(mixed_signs(5, 3), mixed_signs(-100, -7))
