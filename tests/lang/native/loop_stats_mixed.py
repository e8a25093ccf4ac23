# check_native.py: a while loop mixing native int code with side exits to the
# interpreter (a global list, print, a call) must run as a loop region at
# least once (`L loop runs` >= 1) and print what python3 and --no-native print.
OUT = []


def square(x):
    return x * x


def mixed(n, k):
    i = 0
    t = 0
    while i < n:
        t = (t * 7 + i) % 100003
        if i % k == 0:
            OUT.append(t)
            t += square(i % 10)
        if i % (k * 5) == 0:
            print("at", i, t)
        i += 1
    return t


print(mixed(50000, 1000))
print(len(OUT), OUT[:5], sum(OUT))
