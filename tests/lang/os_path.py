import os
import os.path
print(os.path.join("a", "b", "c.txt"), os.path.join("/abs", "x"), os.path.join("a", "/abs"), os.path.join("a/", "b"), os.path.join("a", ""))
print(os.path.basename("/x/y/z.py"), os.path.basename("/x/y/"), os.path.basename("file"), os.path.dirname("/x/y/z.py"), os.path.dirname("file"), os.path.dirname("/x"))
print(os.path.exists("os_path.py"), os.path.exists("no_such_file.py"), os.path.exists("."))
from os.path import join, basename
print(join("p", "q"), basename("p/q"))
