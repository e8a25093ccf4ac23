def key(x):
    return key(x)
try:
    sorted([1, 2], key=key)
except RecursionError:
    print("RecursionError through a builtin")
