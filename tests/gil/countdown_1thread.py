# The classic GIL experiment, sequential: one thread counts down COUNT.
import sys
import time

COUNT = 50000000


def countdown(n):
    while n > 0:
        n -= 1


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else COUNT
    start = time.time()
    countdown(count)
    print(f"sequential 1 thread: {time.time() - start:.2f} s")
