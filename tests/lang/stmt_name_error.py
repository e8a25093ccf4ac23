try:
    undefined_name
except NameError as e:
    print("NameError:", e)
def f():
    return also_undefined + 1
try:
    f()
except NameError as e:
    print("NameError:", e)
print(type(NameError("x")).__name__)
