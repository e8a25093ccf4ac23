# An uncaught exception in a thread is printed, the thread ends, the program goes on.
import threading


def boom(x):
    raise ValueError("bad value %d" % x)


t = threading.Thread(target=boom, args=(7,))
t.start()
t.join()
print("alive:", t.is_alive())
t = threading.Thread(target=lambda: 1 / 0, name="divider")
t.start()
t.join()
print("still running")
raise SystemExit(0)
