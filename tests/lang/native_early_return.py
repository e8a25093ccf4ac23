# The native tier: returns from several places (inside loops, nested ifs, the
# loop's else), and a return of a constant or of an expression.
def find(n, target):
    i = 0
    while i < n:
        if i * i == target:
            return i
        if i * i > target:
            return -i
        i += 1
    return -1000


def sign_product(a, b):
    if a == 0:
        return 0
    if b == 0:
        return 0
    if a > 0:
        if b > 0:
            return 1
        return -1
    if b > 0:
        return -1
    return 1


def search(lo, hi, target):
    # bisection for the integer square root of target
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if mid * mid == target:
            return mid
        elif mid * mid < target:
            lo = mid
        else:
            hi = mid - 1
    else:
        return -lo
    return 12345


def depth_first(n, k):
    if k == 0:
        return n
    if n % 3 == 0:
        return depth_first(n // 3, k - 1) + 1
    if n % 2 == 0:
        return depth_first(n // 2, k - 1) + 2
    return depth_first(n - 1, k - 1) + 3


print([find(10, t) for t in (0, 1, 4, 5, 49, 81, 82, 100, 1000)])
print([sign_product(a, b) for a in (-3, 0, 3) for b in (-2, 0, 2)])
print(search(0, 1000, 144), search(0, 1000, 150), search(0, 10 ** 9, 10 ** 12), search(5, 5, 1))
print(depth_first(1000, 10), depth_first(97, 20), depth_first(0, 3))
