def f(x):
    try:
        r = 10 / x
    except ZeroDivisionError:
        print("except")
        r = None
    else:
        print("else", r)
    finally:
        print("finally")
    return r
print(f(2))
print(f(0))
def g():
    try:
        return "from try"
    finally:
        print("cleanup")
print(g())
def h():
    try:
        raise ValueError("v")
    finally:
        print("finally before propagation")
try:
    h()
except ValueError as e:
    print("outer caught", e)
