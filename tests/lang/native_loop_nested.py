# Loop regions: nested while loops (the inner loop is a region of its own and
# part of the outer one), while loops inside for loops (the for loop is not
# compiled, the while inside it is), comprehensions in loop bodies, and a
# while loop in a lambda-called helper and a closure.


def triangle(n):
    i = 0
    s = 0
    while i < n:
        j = 0
        while j < i:
            s += (i ^ j) & 15
            j += 1
        i += 1
    return s


def three_deep(n):
    a = 0
    c = 0
    while a < n:
        b = 0
        while b < a:
            k = b
            while k > 0:
                c += k & 1
                k //= 2
            b += 1
        a += 1
    return c


def while_in_for(words):
    out = []
    for w in words:
        n = len(w)
        steps = 0
        while n != 1 and n > 0:
            n = n // 2 if n % 2 == 0 else 3 * n + 1
            steps += 1
        out.append((w, steps))
    return out


def for_in_while(n):
    i = 0
    total = 0
    while i < n:
        for d in range(3):
            total += d * i
        i += 1
    return total


def comprehension_in_body(n):
    i = 0
    acc = 0
    rows = []
    while i < n:
        acc += i % 9
        if i % 50 == 0:
            sq = [j * j for j in range(i % 7)]
            rows.append(sum(sq))
            acc += len({j % 3 for j in range(i % 11)})
        i += 1
    return acc, rows


def make_counter(limit):
    seen = [0]

    def count(n):
        i = 0
        t = 0
        while i < n:
            t += i % limit
            i += 1
        seen[0] += 1
        return t

    return count, seen


def outer_nested_mixed(n):
    i = 0
    log = []
    while i < n:
        j = i
        while j > 0:
            j -= 3
        if j == -1:
            log.append(i)
        i += 1
    return len(log), log[:6]


print(triangle(300))
print(three_deep(120))
print(while_in_for(["a", "ab", "abc", "gild", "native", "x" * 27, ""]))
print(for_in_while(500))
print(comprehension_in_body(1000))
count, seen = make_counter(13)
print(count(1000), count(7), seen)
print(list(map(lambda n: triangle(n), [0, 1, 5, 20])))
print(outer_nested_mixed(3000))
