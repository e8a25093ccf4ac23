# expect: SyntaxError: annotations are not supported
# at: 3:13
def f(a, b: int):
    return a + b
print(f(1, 2))
