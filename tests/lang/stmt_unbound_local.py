x = 10
def f():
    try:
        print(x)
    except UnboundLocalError as e:
        print("UnboundLocalError:", e)
    x = 5
    return x
print(f())
def g():
    if False:
        y = 1
    return y
try:
    g()
except UnboundLocalError as e:
    print("UnboundLocalError:", e)
def h():
    def inner():
        return z
    try:
        return inner()
    except NameError as e:
        return str(type(e)) + ": " + str(e)
    z = 1
print(h())
