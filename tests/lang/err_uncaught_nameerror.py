def f():
    return not_defined_anywhere
f()
