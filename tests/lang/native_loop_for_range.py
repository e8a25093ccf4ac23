# The native tier's loop regions over `for x in range(...)`: the range iterator's next value
# is computed natively; exhaustion, break, continue, else, nested loops, side exits, the
# loop variable rebound in the body, the ends of the int64 range, module-level loops.
def s1(n):
    t = 0
    for i in range(n):
        t += i * i % 7
    return t, i
print(s1(1000), s1(1))
def s2(a, b, c):
    t = 0
    for i in range(a, b, c):
        if i % 3 == 0:
            continue
        if i > 500:
            break
        t ^= i
    else:
        t = -t
    return t
print(s2(0, 1000, 7), s2(100, -100, -3), s2(5, 5, 1), s2(10, 0, 1), s2(0, 400, 2))
def s3(n):
    out = []
    for i in range(n):
        j = 0
        while j < i:
            j += 2
        if i % 100 == 0:
            out.append((i, j))
    return out
print(s3(450))
def s4(n):
    t = 0
    for i in range(n):
        i = i * 2
        t += i
    return t
print(s4(100))
def s5():
    r = []
    for i in range(-9223372036854775807 - 1, -9223372036854775807 + 3):
        r.append(i)
    for k in range(9223372036854775800, 9223372036854775807, 3):
        r.append(k)
    return r
print(s5())
def s6(n):
    t = 0
    for i in range(n):
        for j in range(i):
            t += j
    return t
print(s6(200))
for x in range(3):
    pass
print(x)
