# An uncaught exception in a child process: printed by the child, exit code 1.
from multiprocessing import Process


def boom(x):
    raise ValueError("child failed with %d" % x)


p = Process(target=boom, args=(5,))
p.start()
p.join()
print("exitcode", p.exitcode)
