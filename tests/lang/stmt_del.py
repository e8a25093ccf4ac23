x = 1
del x
try:
    print(x)
except NameError as e:
    print("NameError:", e)
a = [1, 2, 3, 4]
del a[0]
print(a)
del a[-1]
print(a)
d = {"a": 1, "b": 2}
del d["a"]
print(d)
try:
    del d["zz"]
except KeyError as e:
    print("KeyError:", e)
p, q = 1, 2
del p, q
def f():
    y = 5
    del y
    try:
        return y
    except UnboundLocalError as e:
        return "UnboundLocalError: " + str(e)
print(f())
