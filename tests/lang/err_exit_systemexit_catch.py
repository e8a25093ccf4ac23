import sys
try:
    sys.exit(4)
except SystemExit as e:
    print("caught SystemExit", e.code)
try:
    sys.exit(5)
except Exception:
    print("wrong: SystemExit is not an Exception")
except BaseException as e:
    print("BaseException", type(e))
print("continuing")
