# expect: SyntaxError: complex numbers are not supported
# at: 3:9
z = 1 + 2j
print(z)
