# expect: SyntaxError: \N{...} escapes are not supported
# at: 3:10
bullet = "\N{BULLET}"
print(bullet)
