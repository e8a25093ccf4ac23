# os.mkdir, os.makedirs, os.rmdir, os.listdir, os.stat: results and errors.
import os

base = "io_os_dirs_tmp"
if os.path.exists(base):
    for name in ["a/b/c", "a/b", "a", "d"]:
        if os.path.isdir(os.path.join(base, name)):
            os.rmdir(os.path.join(base, name))
    os.rmdir(base)

os.mkdir(base)
os.makedirs(base + "/a/b/c")
os.makedirs(base + "/a/b/c", exist_ok=True)
os.makedirs(base + "/d/", 0o755)
print(sorted(os.listdir(base)), os.listdir(base + "/a/b"))
print(os.path.isdir(base + "/d"))
for call in [lambda: os.mkdir(base), lambda: os.makedirs(base + "/a/b"),
             lambda: os.rmdir(base + "/a"), lambda: os.rmdir(base + "/nope"),
             lambda: os.listdir(base + "/nope"), lambda: os.stat(base + "/nope"),
             lambda: os.mkdir(base + "/nope/x")]:
    try:
        call()
    except OSError as e:
        print(type(e).__name__, e.errno, e.strerror, e.filename)
print(os.stat(base + "/a").st_size >= 0)
os.rmdir(base + "/a/b/c")
os.rmdir(base + "/a/b")
os.rmdir(base + "/a")
os.rmdir(base + "/d")
os.rmdir(base)
print(os.path.exists(base))
try:
    os.mkdir(1.5)
except TypeError as e:
    print(e)
