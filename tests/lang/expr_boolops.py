print(1 and 2, 0 and 2, 1 or 2, 0 or 2, None or "d", "" or 0)
print([] and [1], [1] and [], not None, not 1)
print(0 or 0.0 or "" or None)
print(1 and "x" and [3])
def t(n):
    print("t", n)
    return n
print(t(0) and t(1))
print(t(1) or t(2))
print(t(1) and t(0) or t(3))
x = 5
print(x > 3 and "big" or "small")
