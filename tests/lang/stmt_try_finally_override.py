def f():
    try:
        return 1
    finally:
        return 2
print(f())
def g():
    for i in range(3):
        try:
            if i == 1:
                break
        finally:
            print("fin", i)
    return i
print(g())
def h():
    try:
        raise KeyError("a")
    finally:
        return "swallowed"
print(h())
