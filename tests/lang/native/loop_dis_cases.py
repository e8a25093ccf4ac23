# Functions for check_native.py's `gild dis` checks of loop regions (the
# `  native loops: LO-HI yes|no (reason), ...` line under a code object's
# header). Running the file prints the same under gild (with or without the
# native tier) and python3.
OUT = []


# --- a while loop that is a native region (`yes`), though the function is not pure ---
def mixed_loop(n):
    i = 0
    t = 0
    while i < n:
        t = (t + i * 3) % 1009
        if i % 100 == 0:
            OUT.append(t)
        i += 1
    print("mixed_loop", t)
    return t


def str_local_loop(n):
    s = ""
    i = 0
    while i < n:
        if i % 10 == 0:
            s += "x"
        i += 1
    return s


# --- a for loop: a region (`yes (over a range)`), native only when it iterates a range ---
def for_loop(xs):
    t = 0
    for x in xs:
        t += x
    return t


# --- a for loop around a while loop: two regions ---
def while_in_for(xs):
    steps = 0
    for x in xs:
        while x > 1:
            x = x // 2 if x % 2 == 0 else 3 * x + 1
            steps += 1
    return steps


# --- no loop: no `native loops:` line ---
def no_loop(a, b):
    return [a, b]


print(mixed_loop(1000), len(OUT))
print(len(str_local_loop(95)))
print(for_loop([1, 2, 3]))
print(while_in_for([3, 7, 27]))
print(no_loop(1, "b"))
