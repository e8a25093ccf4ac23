"""Module docstring."""
def f():
    """Function docstring."""
    return 1
def g():
    "single-quoted docstring"
    x = 2
    return x
print(f(), g())
