try:
    try:
        raise ValueError("inner")
    except TypeError:
        print("no")
    finally:
        print("inner finally")
except ValueError as e:
    print("outer", e)
try:
    try:
        raise ValueError("a")
    except ValueError:
        raise KeyError("b")
except KeyError as e:
    print("got", repr(e))
def deep(n):
    if n == 0:
        raise IndexError("bottom")
    try:
        deep(n - 1)
    finally:
        print("unwind", n)
try:
    deep(3)
except IndexError as e:
    print(e)
