# expect: SyntaxError: class definitions are not supported
# at: 5:5
def f():
    x = 1
    class Inner:
        pass
    return x
print(f())
