# expect: SyntaxError: annotations are not supported
# at: 3:13
def f(a) -> str:
    return str(a)
print(f(1))
