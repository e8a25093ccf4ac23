# Loop regions at module level: top-level code is a code object too (its names
# are globals, so its loops stay in the interpreter); a function defined and
# called between top-level loops, and a while loop inside a top-level for.
i = 0
s = 0
while i < 20000:
    s += i % 7
    i += 1
print(i, s)


def inner(n):
    k = 0
    t = 0
    while k < n:
        t += k * k % 5
        k += 1
    return t


res = []
j = 0
while j < 30:
    res.append(inner(j * 10))
    j += 3
else:
    res.append("else")
print(res)

for word in ("alpha", "be", "gamma"):
    n = len(word) * 1000
    c = 0
    while n > 0:
        n -= 7
        c += 1
    print(word, c, n)

x = 0
while True:
    x += 1
    if x == 5:
        x = "five"
        break
print(x)

total = 0
m = 0
while m < 100:
    m += 1
    if m % 10:
        continue
    total += inner(m)
print(m, total)
