# expect: SyntaxError: annotations are not supported
# at: 3:4
x: int = 5
print(x)
