# The classic GIL experiment, in processes: two forked processes count down
# COUNT/2 each, each with its own GIL, so on 2 cores about half the time.
import sys
import time
from multiprocessing import Process

COUNT = 50000000


def countdown(n):
    while n > 0:
        n -= 1


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else COUNT
    p1 = Process(target=countdown, args=(count // 2,))
    p2 = Process(target=countdown, args=(count // 2,))
    start = time.time()
    p1.start()
    p2.start()
    p1.join()
    p2.join()
    print(f"2 processes: {time.time() - start:.2f} s (exit codes {p1.exitcode} {p2.exitcode})")
