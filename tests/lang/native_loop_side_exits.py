# Loop regions: while loops of functions that are not pure int code. The loops'
# int parts may run natively; every call, list/str/float/dict operation, global
# and print inside the loop is a side exit to the interpreter, which goes on at
# that instruction, and the next back-edge may enter native code again.
OUT = []
LOG = {}


def append_every(n, k):
    # OUT is a global: the loop's compiled part touches only int locals
    i = 0
    t = 0
    while i < n:
        t = (t + i * 7) % 1000003
        if i % k == 0:
            OUT.append(t)
        i += 1
    return t


def print_every(n, k):
    i = 0
    acc = 1
    while i < n:
        acc = (acc * 31 + i) % 65521
        if i % k == 0:
            print("step", i, acc)
        i += 1
    print("done", acc)


def str_concat(n):
    # s is a str local the loop mentions
    s = ""
    i = 0
    k = 0
    while i < n:
        i += 1
        if i % 100 == 0:
            s += "x"
        k += i
    return len(s), k


def float_beside_ints(n):
    f = 0.0
    i = 0
    j = 0
    while i < n:
        f += 0.5
        j += i % 3
        i += 1
    return f, j, i


def float_in_global(n):
    i = 0
    j = 0
    while i < n:
        j += i & 7
        if i % 10 == 0:
            LOG["f"] = LOG.get("f", 0.0) + 0.25
        i += 1
    return j


def dict_updates(d, n):
    i = 0
    while i < n:
        key = i % 5
        d[key] = d.get(key, 0) + i
        i += 1
    return d


def helper(x):
    return x * 2 + 1


def calls_other(n):
    i = 0
    s = 0
    while i < n:
        if i % 3 == 0:
            s += helper(i)
        else:
            s -= i
        i += 1
    return s


def builtins_around(xs, word):
    # a list and a str argument; builtins before and after the loop
    n = len(xs)
    m = len(word)
    i = 0
    total = 0
    while i < n * 1000:
        total += (i * m) % 11
        i += 1
    return sum(xs) + total, max(xs), word.upper()


print(append_every(20000, 2500), OUT)
print_every(3000, 700)
print(str_concat(5000))
print(float_beside_ints(10001))
print(float_in_global(5000), LOG)
print(sorted(dict_updates({}, 1003).items()))
print(sorted(dict_updates({0: 100, "z": 1}, 7).items(), key=str))
print(calls_other(3001))
print(builtins_around([3, 1, 4, 1, 5], "gild"))
