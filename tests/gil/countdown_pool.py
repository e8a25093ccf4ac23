# The classic GIL experiment with a Pool of 2 worker processes, each given
# COUNT/2 through apply_async.
import sys
import time
from multiprocessing import Pool

COUNT = 50000000


def countdown(n):
    while n > 0:
        n -= 1
    return n


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else COUNT
    start = time.time()
    pool = Pool(processes=2)
    r1 = pool.apply_async(countdown, [count // 2])
    r2 = pool.apply_async(countdown, [count // 2])
    pool.close()
    pool.join()
    results = [r1.get(), r2.get()]
    print(f"pool of 2 processes: {time.time() - start:.2f} s (results {results})")
