with open("_tmp_stmt_with_file.txt", "w") as f:
    f.write("line one\n")
    f.write("line two\n")
print(f.closed)
with open("_tmp_stmt_with_file.txt") as f:
    print(repr(f.read()))
with open("_tmp_stmt_with_file.txt") as f:
    for line in f:
        print(line.rstrip())
with open("_tmp_stmt_with_file.txt") as f:
    print(f.readlines())
import os
os.remove("_tmp_stmt_with_file.txt")
print(os.path.exists("_tmp_stmt_with_file.txt"))
