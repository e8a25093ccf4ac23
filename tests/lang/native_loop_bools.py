# Loop regions with bools on the value stack where the native code hands over
# to the interpreter: a comparison's result stored in a local, added to an
# int, compared with an int or a bool, `not` of an int stored, bools in
# chained comparisons and `and`/`or` inside the loop. type() and the values
# must be CPython's (True, not 1).


def stored_compare(n):
    i = 0
    last = None
    trues = 0
    while i < n:
        x = i % 3 < 1
        last = x
        if x:
            trues += 1
        i += 1
    return last, type(last).__name__, trues


def add_bool(n):
    i = 0
    total = 0
    while i < n:
        total += i % 4 == 0
        total = total + (i > n // 2)
        i += 1
    return total, type(total).__name__


def compare_with_flag(a, b, flag):
    # `(a < b) == flag`: a bool compared with an int or a bool
    count = 0
    while (a < b) == flag:
        a += 1
        count += 1
        if count > 10000:
            break
    return a, count


def not_stored(n):
    i = 0
    z = 0
    while i < n:
        y = not i % 5
        z += y
        i += 1
    return y, z


def chained(n):
    i = 0
    hits = 0
    while i < n:
        if 10 <= i * 3 % 101 < 50 != i % 2:
            hits += 1
        i += 1
    return hits


def and_or_values(n):
    i = 0
    acc = 0
    last = 0
    while i < n:
        v = (i % 3) and (i % 5) or -1
        acc += v
        last = (i > 5) or i
        i += 1
    return acc, last


def bool_in_list(n):
    i = 0
    out = []
    while i < n:
        out.append(i % 2 == 0)
        out.append(not i)
        i += 1
    return out


print(stored_compare(1000), stored_compare(2))
print(add_bool(1000))
print(compare_with_flag(0, 500, True), compare_with_flag(0, 500, 1), compare_with_flag(700, 500, False),
      compare_with_flag(700, 500, 0), compare_with_flag(0, 5, 2))
print(not_stored(1003), not_stored(1))
print(chained(5000))
print(and_or_values(1000), and_or_values(3))
print(bool_in_list(3))
