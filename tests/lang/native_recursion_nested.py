# The native tier: a pure recursive function called from deep inside an
# interpreted recursion, so that the recursion budget left when the native
# code starts is small: RecursionError exactly when CPython raises it.
def depth(n):
    if n == 0:
        return 0
    return 1 + depth(n - 1)


def wrap(k, n):
    # calls another function: interpreted
    if k == 0:
        return depth(n)
    return wrap(k - 1, n)


for k, n in ((900, 50), (950, 100), (500, 600), (0, 900), (0, 1100), (300, 600),
             (100, 2000), (850, 60)):
    try:
        print(k, n, wrap(k, n))
    except RecursionError as e:
        print(k, n, "RecursionError:", e)
print(depth(900))
