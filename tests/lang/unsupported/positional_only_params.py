# expect: SyntaxError: positional-only parameters (/) are not supported
# at: 3:10
def f(a, /, b):
    return a + b
print(f(1, 2))
