import os
os.mkdir("_tmp_os_listdir") if not os.path.exists("_tmp_os_listdir") else None
for name in ["b.txt", "a.txt", "c.dat"]:
    with open(os.path.join("_tmp_os_listdir", name), "w") as f:
        f.write("x" * len(name))
print(sorted(os.listdir("_tmp_os_listdir")))
st = os.stat(os.path.join("_tmp_os_listdir", "c.dat"))
print(st.st_size, type(st.st_mtime), st.st_mtime > 0)
for name in os.listdir("_tmp_os_listdir"):
    os.remove(os.path.join("_tmp_os_listdir", name))
os.rmdir("_tmp_os_listdir")
print(os.path.exists("_tmp_os_listdir"))
try:
    os.listdir("_no_such_dir_here")
except FileNotFoundError as e:
    print("FileNotFoundError:", e)
try:
    os.stat("_no_such_file_here")
except OSError as e:
    print(type(e), e.errno)
