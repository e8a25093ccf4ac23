# Thread names, current_thread(), arguments and the errors of misuse.
import threading

print(threading.current_thread().name)
print(threading.main_thread().name, threading.main_thread() is threading.current_thread())
seen = {}


def record(key, extra=None, *, flag=False):
    seen[key] = (threading.current_thread().name, extra, flag)


t1 = threading.Thread(target=record, args=("a",))
t2 = threading.Thread(target=record, args=("b", 1), kwargs={"flag": True}, name="custom")
t3 = threading.Thread(target=lambda: record("c"))
t4 = threading.Thread(target=record, args=["d"], daemon=True)
t5 = threading.Thread()
print(t1.name, "|", t2.name, "|", t3.name, "|", t4.name, "|", t5.name)
print(t1.daemon, t4.daemon, t1.ident is None)
for t in (t1, t2, t3, t4, t5):
    t.start()
for t in (t1, t2, t3, t4, t5):
    t.join()
for k in sorted(seen):
    print(k, seen[k])
print(t1.ident is not None, t1.ident != threading.get_ident())

try:
    t1.start()
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    threading.Thread(target=record).join()
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    threading.current_thread().join()
except RuntimeError as e:
    print("RuntimeError:", e)

t6 = threading.Thread(target=record, args=("e",))
t6.name = "renamed"
t6.daemon = True
t6.start()
t6.join(timeout=5)
print(seen["e"], t6.daemon, t6.is_alive())

# a thread started from a thread
inner = []
def outer():
    t = threading.Thread(target=lambda: inner.append(threading.current_thread().name))
    t.start()
    t.join()
    inner.append(threading.current_thread().name)

t7 = threading.Thread(target=outer)
t7.start()
t7.join()
print(inner)
