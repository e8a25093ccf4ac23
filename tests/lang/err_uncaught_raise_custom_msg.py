def check(n):
    if n > 2:
        raise RuntimeError("n too large: %d" % n)
    return n
for i in range(5):
    print(check(i))
