# multiprocessing.Pool: apply_async, map, results of every marshalable type,
# exceptions from workers, close/join and the with statement.
from multiprocessing import Pool


def square(x):
    return x * x


def describe(a, b=2):
    return {"sum": a + b, "pair": (a, b), "text": "é%d" % a, "raw": b"\x00\xff",
            "f": a / 4, "none": None, "flags": [True, False], "nested": [[a], {"k": b}]}


def fail(x):
    raise ValueError("bad input %r" % (x,))


def fail_on_two(x):
    # Only one item fails: which failure a map reports first depends on
    # timing when several do, in CPython as in gild.
    if x == 2:
        raise ValueError("bad input %r" % (x,))
    return x


def keyfail():
    return {}["missing"]


def join_errors(pool):
    try:
        pool.join()
        Pool(2).join()
    except ValueError as e:
        print("ValueError:", e)


if __name__ == "__main__":
    pool = Pool(processes=2)
    results = [pool.apply_async(square, (i,)) for i in range(6)]
    print([r.get() for r in results])
    print(pool.apply_async(describe, (3,)).get())
    print(pool.apply_async(describe, [5, 7]).get(timeout=30))
    print(pool.map(square, range(10)))
    print(pool.map(square, []))
    print(pool.map(square, [3, 4], chunksize=1))
    r = pool.apply_async(fail, ("x",))
    r.wait()
    print(r.ready(), r.successful())
    try:
        r.get()
    except ValueError as e:
        print("ValueError:", e)
    try:
        pool.apply_async(keyfail).get()
    except KeyError as e:
        print("KeyError:", e)
    try:
        pool.map(fail_on_two, [1, 2, 3])
    except ValueError as e:
        print("ValueError:", e)
    print(pool.apply(square, (12,)))
    pool.close()
    try:
        pool.apply_async(square, (1,))
    except ValueError as e:
        print("ValueError:", e)
    pool.join()

    with Pool(3) as p:
        print(p.map(square, range(1, 30)))
        print(sorted(p.apply_async(square, (n,)).get() for n in range(5)))
    join_errors(pool)
