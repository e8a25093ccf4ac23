# Loop regions re-entered recursively: a while loop whose body calls the
# same function (a side exit), which runs the same compiled region on its own
# frame, then the outer loop goes on natively with its own locals.


def count_parts(n, m):
    # partitions of n with parts <= m, recursion from inside a while loop
    if n == 0:
        return 1
    total = 0
    k = min(n, m)
    while k > 0:
        total += count_parts(n - k, k)
        k -= 1
    return total


def walk(depth, width):
    i = 0
    acc = 0
    while i < width:
        acc = (acc * 3 + i) % 10007
        if depth > 0 and i % 2 == 0:
            acc += walk(depth - 1, width)
        i += 1
    return acc


def pure_rec(n):
    t = 0
    i = 0
    while i < n:
        t += pure_rec(i // 2) if i > 1 else i
        i += 1
    return t


print([count_parts(n, n) for n in range(0, 30, 3)])
print(walk(5, 6))
print(pure_rec(40))
