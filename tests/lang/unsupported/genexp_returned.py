# expect: SyntaxError: generator expressions outside a call are not supported
# at: 4:12
def squares(n):
    return (i * i for i in range(n))
print(list(squares(3)))
