lines = ["alpha", "beta", "gamma"]
with open("_tmp_with_file_lines.txt", "w") as f:
    for line in lines:
        f.write(line + "\n")
with open("_tmp_with_file_lines.txt") as f:
    numbered = [(i, l.rstrip("\n")) for i, l in enumerate(f, 1)]
print(numbered)
with open("_tmp_with_file_lines.txt") as f:
    print(f.readline().strip(), f.read().split())
import os
os.remove("_tmp_with_file_lines.txt")
