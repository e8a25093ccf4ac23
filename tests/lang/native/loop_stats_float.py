# check_native.py: a while loop whose locals are floats (or become floats) is
# refused at the region's entry check; any number of loop runs is accepted,
# but the output must be python3's and --no-native's.


def halve(x, n):
    i = 0
    while i < n:
        x = x / 2 + 1
        i += 1
    return x


def becomes_float(n):
    x = 1
    i = 0
    while i < n:
        x = x * 3 % 1001
        if i == n // 2:
            x = x + 0.5
        i += 1
    return x


def float_counter(n):
    f = 0.0
    while f < n:
        f += 0.25
    return f


print(halve(10.0, 50), halve(7, 3))
print(becomes_float(1000))
print(float_counter(100), float_counter(1.5))
