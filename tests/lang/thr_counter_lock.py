# A global counter incremented under a Lock by 4 threads: exact.
import threading

counter = 0
lock = threading.Lock()


def work(n):
    global counter
    for _ in range(n):
        with lock:
            counter += 1


threads = [threading.Thread(target=work, args=(10000,)) for _ in range(4)]
print([t.name for t in threads])
print([t.is_alive() for t in threads])
for t in threads:
    t.start()
for t in threads:
    t.join()
print(counter)
print([t.is_alive() for t in threads])
print(lock.locked())

# acquire/release by hand, from several threads in turn
total = []
def add(i):
    lock.acquire()
    try:
        total.append(i)
    finally:
        lock.release()

ts = [threading.Thread(target=add, args=[i]) for i in range(8)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(sorted(total), threading.active_count())
