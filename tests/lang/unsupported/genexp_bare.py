# expect: SyntaxError: generator expressions outside a call are not supported
# at: 3:5
g = (x * x for x in range(3))
print(sum(g))
