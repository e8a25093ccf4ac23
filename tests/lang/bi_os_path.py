# os.path string functions: CPython's posixpath semantics.
import os
import os.path

def check(label, f):
    try:
        print(label, repr(f()))
    except Exception as e:
        print(label, type(e).__name__ + ":", e)

paths = ["", "/", "//", "///", "a", "a/", "a/b", "/a/b/", "a//b", "/a/b.txt", "a.tar.gz",
         ".bashrc", "..", "...", "a/.b", "a/b.", "/.", "./a/../b", "a/./b", "../../x",
         "/../a", "//a/b", "///a/b", "a/b/../../..", "x/y/z/.."]
for p in paths:
    print(repr(p), os.path.basename(p), os.path.dirname(p), os.path.split(p),
          os.path.splitext(p), os.path.normpath(p), os.path.isabs(p))
print(os.path.join("a"), os.path.join("a", "b"), os.path.join("a/", "b"), os.path.join("a", "/b", "c"))
print(os.path.join("", "a"), os.path.join("a", ""), os.path.join("", ""), os.path.join("/", "a", "", "b/"))
print(os.path.abspath("/a/../b/./c"), os.path.abspath("/") , os.path.abspath("//x"))
print(os.path.abspath("x") == os.path.join(os.getcwd(), "x"), os.path.abspath(".") == os.getcwd())
print(os.sep, os.path.sep, os.name)
print(os.path.exists("/"), os.path.isdir("/"), os.path.isfile("/"), os.path.exists("/no/such/path/x"))
print(os.path.isfile("/no/such"), os.path.isdir("/no/such"), os.path.exists(""))
check("join0", lambda: os.path.join())
check("joinint", lambda: os.path.join("a", 1))
check("basenameint", lambda: os.path.basename(1))
check("listdirmissing", lambda: os.listdir("/no/such/dir"))
check("statmissing", lambda: os.stat("/no/such/file"))
print(type(os.getpid()), isinstance(os.environ["PATH"], str), os.getpid() > 0, type(os.listdir(".")))
st = os.stat("/")
print(type(st.st_size), type(st.st_mtime), type(st.st_mode), st.st_mode & 0o170000 == 0o040000)
