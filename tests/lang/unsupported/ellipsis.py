# expect: SyntaxError: Ellipsis (...) is not supported
# at: 4:5
def todo():
    ...
print(todo())
