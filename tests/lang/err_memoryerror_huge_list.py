try:
    x = [0] * (2 ** 62)
    print("allocated?", len(x))
except MemoryError as e:
    print("MemoryError", repr(e))
try:
    y = [None, None] * (2 ** 61)
except MemoryError:
    print("MemoryError again")
print("still running")
