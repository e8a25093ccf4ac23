# expect: SyntaxError: assignment expressions (:=) are not supported
# at: 3:9
ys = [y := x * 2 for x in range(3)]
print(ys)
