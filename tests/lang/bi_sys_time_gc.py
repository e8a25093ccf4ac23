# sys, time and gc modules.
import sys
import time
import gc

def check(label, f):
    try:
        print(label, repr(f()))
    except Exception as e:
        print(label, type(e).__name__ + ":", e)

print(sys.maxsize, sys.platform, type(sys.argv), len(sys.argv) >= 1)
print(sys.getrecursionlimit())
sys.setrecursionlimit(500)
print(sys.getrecursionlimit())
sys.setrecursionlimit(1000)
print(sys.getswitchinterval())
sys.setswitchinterval(0.01)
print(sys.getswitchinterval())
sys.setswitchinterval(0.005)
check("sw0", lambda: sys.setswitchinterval(0))
check("swneg", lambda: sys.setswitchinterval(-1))
check("swstr", lambda: sys.setswitchinterval("a"))
check("rl0", lambda: sys.setrecursionlimit(0))
check("rlfloat", lambda: sys.setrecursionlimit(1.5))
check("refcount0", lambda: sys.getrefcount())
check("exit2", lambda: sys.exit(1, 2))
x = []
print(sys.getrefcount(x) >= 1)
sys.stdout.write("written\n")
print("to stdout", file=sys.stdout)
print("flushed", flush=True)
print("a", "b", sep="-", end="!\n")
print("x", "y", sep=None, end=None)
print()
print(sep="", end="")
sys.stderr.write("")

t0 = time.time()
m0 = time.monotonic()
p0 = time.perf_counter()
time.sleep(0.01)
time.sleep(0)
print(type(t0), t0 > 1e9, time.monotonic() - m0 >= 0.009, time.perf_counter() > p0)
print(type(time.time_ns()), type(time.monotonic_ns()), time.time_ns() > 10**18)
check("sleepneg", lambda: time.sleep(-1))
check("sleepstr", lambda: time.sleep("a"))
check("sleepnan", lambda: time.sleep(float("nan")))
check("time1", lambda: time.time(1))

print(gc.isenabled())
gc.disable()
print(gc.isenabled())
gc.enable()
print(gc.isenabled())
gc.collect()
a = []
a.append(a)
del a
print(gc.collect())
d1 = {}
d2 = {"other": d1}
d1["other"] = d2
del d1, d2
print(gc.collect())
print(gc.collect())
check("gen5", lambda: gc.collect(5))
check("gckw", lambda: gc.collect(x=1))
check("enable1", lambda: gc.enable(1))
try:
    sys.exit(3)
except SystemExit as e:
    print("SystemExit", e.args, e.code if hasattr(e, "code") else 3)
sys.exit(0)
