import time
start = time.monotonic()
marks = []
for ms in [5, 10, 15]:
    time.sleep(ms / 1000)
    marks.append(time.monotonic() - start)
print(all(marks[i] < marks[i + 1] for i in range(2)), marks[-1] >= 0.029)
a = time.perf_counter()
b = time.perf_counter()
print(b >= a, type(time.time() - a))
