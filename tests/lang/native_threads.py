# The native tier with threads: two (then four) threads each compute pure
# functions while the others run, so the GIL changes hands (the eval breaker
# is set) while native code runs; every result is CPython's. Printed after
# join only, in a fixed order.
import sys
import threading


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def spin(n):
    s = 0
    while n > 0:
        s = (s + n * n) % 1000003
        n -= 1
    return s


def collatz_max(limit):
    best = 0
    k = 1
    while k < limit:
        n = k
        steps = 0
        while n != 1:
            if n % 2 == 0:
                n = n // 2
            else:
                n = 3 * n + 1
            steps += 1
        if steps > best:
            best = steps
        k += 1
    return best


results = {}


def worker(name, which, arg, times):
    out = []
    for _ in range(times):
        if which == 0:
            out.append(fib(arg))
        elif which == 1:
            out.append(spin(arg))
        else:
            out.append(collatz_max(arg))
    results[name] = out


a = threading.Thread(target=worker, args=("a", 0, 23, 3))
b = threading.Thread(target=worker, args=("b", 1, 1000000, 2))
a.start()
b.start()
a.join()
b.join()
print(results["a"], results["b"])

# a tiny switch interval: the eval breaker is set far more often
sys.setswitchinterval(0.0001)
results.clear()
ts = [threading.Thread(target=worker, args=(str(i), i % 3, (21, 300000, 5000)[i % 3], 2))
      for i in range(4)]
for t in ts:
    t.start()
main_result = [fib(22), spin(100000), collatz_max(2000)]
for t in ts:
    t.join()
print([results[str(i)] for i in range(4)])
print(main_result)
print(fib(20), spin(10), collatz_max(10))
