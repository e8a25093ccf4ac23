# Loop regions with threads: two (then three, then four) threads each run a long while
# loop mixing native int code with side exits (a global list, a dict, a str),
# with a tiny switch interval so the eval breaker (another thread wants the
# GIL) hands over inside native loops again and again. Results are printed
# after join only, in a fixed order.
import sys
import threading

RESULTS = {}
MARKS = {}


def mixed(name, n, k):
    i = 0
    t = 0
    marks = 0
    while i < n:
        t = (t * 31 + i) % 1000003
        if i % k == 0:
            MARKS[name] = MARKS.get(name, 0) + 1
            marks += 1
        i += 1
    RESULTS[name] = (t, marks)


def with_locals(name, n):
    # a str and a list local: only the interpreter runs this loop
    s = ""
    out = []
    i = 0
    while i < n:
        if i % 5000 == 0:
            s += name
            out.append(i)
        i += 1
    RESULTS[name] = (len(s), sum(out))


def nested(name, n):
    a = 0
    c = 0
    while a < n:
        b = a
        while b > 0:
            b //= 3
            c += 1
        a += 1
    RESULTS[name] = c


def either(name, a, n):
    # the same code object run by threads with an int, a str and a float `a`
    # at the same time: whichever thread reaches the first back-edge decides
    # what the region compiles; the others' entries must still be right
    i = 0
    k = 0
    while i < n:
        if i % 50000 == 0:
            a = a + a if k < 5 else a
            k += 1
        i += 1
        k = k + i % 2
    RESULTS[name] = (a, k)


sys.setswitchinterval(0.0001)
t1 = threading.Thread(target=mixed, args=("a", 2000000, 100000))
t2 = threading.Thread(target=mixed, args=("b", 1500000, 77777))
t1.start()
t2.start()
t1.join()
t2.join()
print(RESULTS["a"], RESULTS["b"], MARKS["a"], MARKS["b"])

RESULTS.clear()
ts = [threading.Thread(target=mixed, args=("c", 200000, 5000)),
      threading.Thread(target=with_locals, args=("d", 100000)),
      threading.Thread(target=nested, args=("e", 30000))]
for t in ts:
    t.start()
mixed("main", 100000, 10000)
for t in ts:
    t.join()
print([RESULTS[k] for k in ("c", "d", "e", "main")])

RESULTS.clear()
ts = [threading.Thread(target=either, args=(n, a, 400000))
      for n, a in (("s", "ab"), ("i", 3), ("f", 0.5), ("i2", -7))]
for t in ts:
    t.start()
for t in ts:
    t.join()
print([RESULTS[k] for k in ("s", "i", "f", "i2")])
