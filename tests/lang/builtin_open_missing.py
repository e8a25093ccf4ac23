try:
    open("no_such_file_here.txt")
except FileNotFoundError as e:
    print("FileNotFoundError:", e, e.errno)
try:
    open("no_such_file_here.txt")
except OSError as e:
    print(type(e), isinstance(e, OSError))
