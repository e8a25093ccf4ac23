with open("_tmp_builtin_open.txt", "w") as f:
    n = f.write("héllo\nworld\n")
print(n)
f = open("_tmp_builtin_open.txt")
print(repr(f.readline()), repr(f.readline()), repr(f.readline()))
f.close()
with open("_tmp_builtin_open.txt", "a") as f:
    f.write("more\n")
with open("_tmp_builtin_open.txt", "rb") as f:
    data = f.read()
print(data, len(data))
with open("_tmp_builtin_open.txt", "r", encoding="utf-8") as f:
    print(f.read().splitlines())
with open("_tmp_builtin_open.txt", "wb") as f:
    f.write(b"\x00\x01bin")
with open("_tmp_builtin_open.txt", "rb") as f:
    print(f.read())
import os
os.remove("_tmp_builtin_open.txt")
