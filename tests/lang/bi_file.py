# open() and file objects: modes, reading, writing, iteration, with, errors.
import os

def check(label, f):
    try:
        print(label, repr(f()))
    except Exception as e:
        print(label, type(e).__name__ + ":", e)

name = "bi_file_tmp.txt"
f = open(name, "w")
print(f.write("héllo\n"), f.write("second line\r\nthird\n"), f.write("no newline"), f.closed)
print(f.name, f.mode)
f.close()
print(f.closed)
f.close()
with open(name) as f:
    print(repr(f.read()))
with open(name) as f:
    print(repr(f.readline()), repr(f.read(3)), repr(f.read(2)), repr(f.readline()))
    print(f.readlines())
    print(repr(f.read()), repr(f.readline()))
with open(name, encoding="utf-8") as f:
    print([line for line in f])
with open(name, "rb") as f:
    print(f.read(4), f.readline(), f.read())
with open(name, "a") as f:
    f.write("\nappended")
with open(name, "r") as f:
    lines = f.readlines()
print(len(lines), lines[-1])
with open(name, "wb") as f:
    print(f.write(b"\x00\x01bin"))
with open(name, "rb") as f:
    data = f.read()
print(data, len(data), type(data))
with open(name, "w") as f:
    pass
with open(name) as f:
    print(repr(f.read()))

f = open(name)
f.close()
check("readclosed", lambda: f.read())
check("iterclosed", lambda: iter(f))
g = open(name, "rb")
g.close()
check("readclosedb", lambda: g.read())
check("missing", lambda: open("no_such_file_here.txt"))
check("isdir", lambda: open("."))
check("badmode", lambda: open(name, "q"))
check("rw", lambda: open(name, "rw"))
check("bt", lambda: open(name, "bt"))
check("emptymode", lambda: open(name, ""))
check("binenc", lambda: open(name, "rb", encoding="utf-8"))
check("floatname", lambda: open(1.5))
with open(name, "w") as f:
    check("writebytes", lambda: f.write(b"x"))
with open(name, "wb") as f:
    check("writestr", lambda: f.write("x"))
try:
    open("no/such/dir/file.txt")
except FileNotFoundError as e:
    print(e.errno, e.strerror, e.filename)
except OSError as e:
    print("OSError", e)
os_exists = os.path.exists(name)
print(os_exists)
os.remove(name)
print(os.path.exists(name))
check("removemissing", lambda: os.remove(name))
