# Loop regions of odd shapes: a loop condition that calls a method after an
# int comparison (`and`), a local deleted inside the loop (NameError caught,
# then bound again), `and`/`or` values stored (ints and bools merging), an
# `is` comparison of a bool (not compiled) heading the loop, a return of a
# tuple holding bools from inside the loop, and a `with` block (the value
# stack holds the context manager) inside the loop body.


def f(d, n):
    i = 0
    c = 0
    while i < n and d.get(i, 1):
        c += i
        i += 1
    return c, i



def g(n):
    i = 0
    x = 5
    t = 0
    while i < n:
        i += 1
        if i == 3:
            del x
        if i > 3:
            try:
                t += x
            except NameError:
                t += 100
                x = i
    return t, x



def h(n):
    i = 0
    r = 0
    while i < n:
        y = i > 5 and i
        r += y
        i += 1
        z = i % 3 or i < 0
    return r, y, z



def k(n):
    i = 0
    out = 0
    while (i < n) is True:
        out += 1
        i += 1
    return out



def m(n):
    i = n
    while i:
        i -= 1
        if i == 7:
            return (i, i < 8, not i)
    return None



def w(n):
    i = 0
    s = 0
    while i < n:
        with open("/dev/null") as fh:
            s += i % 4
        i += 1
    return s


print(f({3: 0}, 100), f({}, 10))
print(g(10))
print(h(20))
print(k(50))
print(m(100))
print(w(10))
