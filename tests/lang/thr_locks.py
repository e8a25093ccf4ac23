# Lock and RLock semantics. (Each `with` sits in a function of its own, apart from
# the try statements.)
import threading

lock = threading.Lock()
print(lock.acquire(), lock.locked())
print(lock.acquire(False), lock.acquire(blocking=False), lock.acquire(timeout=0.01))
lock.release()
print(lock.locked())
try:
    lock.release()
except RuntimeError as e:
    print("RuntimeError:", e)
for args, kw in (((False, 1), {}), ((), {"timeout": -2})):
    try:
        lock.acquire(*args, **kw)
    except ValueError as e:
        print("ValueError:", e)


def with_lock():
    with lock:
        print("inside", lock.locked())
    print("outside", lock.locked())


def raise_inside():
    with lock:
        raise KeyError("k")


with_lock()
try:
    raise_inside()
except KeyError as e:
    print("KeyError", e, lock.locked())

r = threading.RLock()


def reenter():
    with r:
        with r:
            print("reentered")
        print(r.acquire(), r.acquire(False))
        r.release()
        r.release()


reenter()
try:
    r.release()
except RuntimeError as e:
    print("RuntimeError:", e)

# a lock held by another thread: a non-blocking acquire fails, a blocking one waits
held = threading.Lock()
go = threading.Lock()
go.acquire()
held.acquire()
result = []
def taker():
    result.append(held.acquire(False))
    go.release()
    result.append(held.acquire())
    held.release()

t = threading.Thread(target=taker)
t.start()
go.acquire()
held.release()
t.join()
print(result, held.locked())
