# The native tier: while loops counting down and up, nested loops, locals that
# are assigned in the loop; long enough to run natively for a while.
def countdown(n):
    while n > 0:
        n -= 1
    return n


def count_up(n):
    i = 0
    total = 0
    while i < n:
        total = total + i
        i = i + 1
    return total


def nested(n):
    i = 0
    acc = 0
    while i < n:
        j = 0
        while j < i:
            acc = acc + i * j - j
            j += 1
        i += 1
    return acc


def steps(n, step):
    k = 0
    while n > 0:
        n = n - step
        k = k + 1
    return k * 1000 + n


print(countdown(1000000))
print(countdown(0), countdown(-3))
print(count_up(100000), count_up(1), count_up(0))
print(nested(300))
print(steps(100, 7), steps(5, 5), steps(0, 3), steps(1, 100))
