# The classic GIL experiment, threaded: two threads count down COUNT/2 each.
# Under a GIL they take turns, so this takes about as long as one thread.
import sys
import time
from threading import Thread

COUNT = 50000000


def countdown(n):
    while n > 0:
        n -= 1


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else COUNT
    t1 = Thread(target=countdown, args=(count // 2,))
    t2 = Thread(target=countdown, args=(count // 2,))
    start = time.time()
    t1.start()
    t2.start()
    t1.join()
    t2.join()
    print(f"2 threads: {time.time() - start:.2f} s")
