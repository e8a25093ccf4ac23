# Loop regions in functions of every shape: *args, **kwargs, defaults,
# keyword-only parameters, closures (cells read and written in the loop),
# lambdas, recursion around a loop, a loop over an expression deeper than the
# native value stack, and more locals than the native tier takes.


def star_args(*xs, **kw):
    i = 0
    s = 0
    n = len(xs) * 1000
    while i < n:
        s += xs[i % len(xs)] if i % 100 == 0 else i % 3
        i += 1
    return s, sorted(kw)


def defaults(n, step=3, *, scale=2):
    i = 0
    t = 0
    while i < n:
        t += i * scale
        i += step
    return t


def closure_counter(n):
    hits = 0
    i = 0

    def bump(k):
        nonlocal hits
        hits += k

    while i < n:
        if i % 10 == 0:
            bump(i)
        i += 1
    return hits, i


def cell_in_loop(n):
    # `total` is a cell: every read and write of it is the interpreter's
    total = 0
    i = 0
    while i < n:
        total += i
        i += 1
    get = lambda: total
    return get()


def rec_loop(depth, n):
    i = 0
    t = 0
    while i < n:
        t += i % 7
        i += 1
    if depth == 0:
        return t
    return t + rec_loop(depth - 1, n // 2)


def deep_expr(n):
    i = 0
    acc = 0
    while i < n:
        acc = (acc + (5 + (4 + (3 + (2 + (1 + (5 + (4 + (3 + (2 + (1 + (5 + (4 + (3 + (2 + (1 + (5 + (4 + (3 + (2 + (1 + (5 + (4 + (3 + (2 + (1 + (5 + (4 + (3 + (2 + (1 + (5 + (4 + (3 + (2 + (1 + (5 + (4 + (3 + (2 + (1 + i))))))))))))))))))))))))))))))))))))))))) % 1000003
        i += 1
    return acc


def many_locals(n):
    v0 = 0
    v1 = 1
    v2 = 2
    v3 = 3
    v4 = 4
    v5 = 5
    v6 = 6
    v7 = 7
    v8 = 8
    v9 = 9
    v10 = 10
    v11 = 11
    v12 = 12
    v13 = 13
    v14 = 14
    v15 = 15
    v16 = 16
    v17 = 17
    v18 = 18
    v19 = 19
    v20 = 20
    v21 = 21
    v22 = 22
    v23 = 23
    v24 = 24
    v25 = 25
    v26 = 26
    v27 = 27
    v28 = 28
    v29 = 29
    v30 = 30
    v31 = 31
    v32 = 32
    v33 = 33
    v34 = 34
    v35 = 35
    v36 = 36
    v37 = 37
    v38 = 38
    v39 = 39
    v40 = 40
    v41 = 41
    v42 = 42
    v43 = 43
    v44 = 44
    v45 = 45
    v46 = 46
    v47 = 47
    v48 = 48
    v49 = 49
    v50 = 50
    v51 = 51
    v52 = 52
    v53 = 53
    v54 = 54
    v55 = 55
    v56 = 56
    v57 = 57
    v58 = 58
    v59 = 59
    v60 = 60
    v61 = 61
    v62 = 62
    v63 = 63
    v64 = 64
    v65 = 65
    v66 = 66
    v67 = 67
    v68 = 68
    v69 = 69
    i = 0
    while i < n:
        v69 = (v69 + v0 + i) % 1009
        v3 += i % 2
        i += 1
    return v0 + v3 + v6 + v9 + v12 + v15 + v18 + v21 + v24 + v27 + v30 + v33 + v36 + v39 + v42 + v45 + v48 + v51 + v54 + v57 + v60 + v63 + v66 + v69


print(star_args(5, 7, 11, a=1, b=2), star_args(1))
print(defaults(1000), defaults(1000, 7), defaults(100, scale=-1), defaults(10, 1, scale=5))
print(closure_counter(1000))
print(cell_in_loop(5000))
print(rec_loop(5, 1000))
print(deep_expr(2000))
print(many_locals(3000))
print(list(map(lambda n: defaults(n, 2), [0, 1, 10, 100])))
print(sorted([30, 4, 17, 9], key=lambda n: rec_loop(0, n) % 5))
