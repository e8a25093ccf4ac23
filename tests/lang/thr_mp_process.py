# multiprocessing.Process on fork: arguments, exit codes, output, names.
import multiprocessing
import sys
from multiprocessing import Process

print(multiprocessing.current_process().name)
print(multiprocessing.cpu_count() >= 1)


def child(label, n, extra=""):
    print("child", label, n * 2, extra, multiprocessing.current_process().name)


def exits(code):
    sys.exit(code)


state = {"value": 1}


def mutate():
    state["value"] = 99
    print("child sees", state["value"])


p = Process(target=child, args=("a", 21), kwargs={"extra": "!"})
print(p.name, p.pid, p.exitcode, p.is_alive(), p.daemon)
p.start()
p.join()
print(p.exitcode, p.is_alive(), p.pid > 0)

for code in (0, 3, None):
    q = Process(target=exits, args=(code,))
    q.start()
    q.join()
    print("exit", code, "->", q.exitcode)

m = Process(target=mutate, name="mutator")
m.start()
m.join()
print(m.name, "parent still sees", state["value"])

ps = [Process(target=child, args=(str(i), i)) for i in range(3)]
for x in ps:
    x.start()
    x.join()
print([x.exitcode for x in ps])
try:
    p.start()
except AssertionError as e:
    print("AssertionError:", e)
