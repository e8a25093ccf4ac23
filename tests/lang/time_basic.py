import time
t0 = time.time()
m0 = time.monotonic()
p0 = time.perf_counter()
time.sleep(0.01)
t1 = time.time()
m1 = time.monotonic()
p1 = time.perf_counter()
print(type(t0), type(m0), type(p0))
print(t0 > 1600000000, t1 >= t0)
print(m1 - m0 >= 0.009, p1 - p0 >= 0.009, m1 - m0 < 5)
time.sleep(0)
print("slept")
try:
    time.sleep(-1)
except ValueError as e:
    print("ValueError:", e)
