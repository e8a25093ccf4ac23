# The native tier: nested if/elif/else, while/else with break and continue,
# and loops whose else clause runs or does not.
def classify(n):
    if n < 0:
        if n < -100:
            return -2
        else:
            return -1
    elif n == 0:
        return 0
    elif n < 10:
        if n % 2 == 0:
            return 2
        elif n == 7:
            return 7
        else:
            return 1
    else:
        return 10


def first_divisor(n):
    d = 2
    while d * d <= n:
        if n % d == 0:
            break
        d += 1
    else:
        return n
    return d


def sum_skipping(n, skip):
    i = 0
    s = 0
    while i < n:
        i += 1
        if i % skip == 0:
            continue
        if i > 1000:
            break
        s += i
    else:
        s = s * 1000 + 1
    return s


def nested_break(n):
    found = 0
    i = 1
    while i <= n:
        j = 1
        while j <= n:
            if i * j == 42:
                found = found * 100 + i
                break
            j += 1
        else:
            found -= 1
        i += 1
    return found


def count_primes(n):
    count = 0
    k = 2
    while k < n:
        d = 2
        while d * d <= k:
            if k % d == 0:
                break
            d += 1
        else:
            count += 1
        k += 1
    return count


def while_else_never(n):
    r = 5
    while n > 100:
        r = 0
        break
    else:
        r = r + n
    return r


print([classify(n) for n in (-1000, -100, -1, 0, 1, 2, 7, 8, 9, 10, 99)])
print([first_divisor(n) for n in (2, 3, 4, 9, 15, 17, 91, 97, 7919, 1000003)])
print(sum_skipping(10, 3), sum_skipping(2000, 7), sum_skipping(0, 2), sum_skipping(5, 1))
print(nested_break(6), nested_break(7), nested_break(50))
print(count_primes(2000))
print(while_else_never(3), while_else_never(500))
