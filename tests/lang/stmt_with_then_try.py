# Regression: a `with` block used to leave the compiler's stack depth one too
# deep, so a later try/except handler released a dead slot.
import os

def check(x):
    return x * 2

name = "stmt_with_then_try_tmp.txt"
with open(name, "w") as f:
    f.write("hello\n")
try:
    open("/nonexistent/dir/file")
except FileNotFoundError as e:
    print("not found", e.errno)
except OSError as e:
    print("other", e)
with open(name) as f:
    print(f.read().strip())
try:
    raise KeyError("k")
except KeyError as e:
    print("key", e)
os.remove(name)
print(check(21))
