# expect: SyntaxError: assignment expressions (:=) are not supported
# at: 4:7
data = [1, 2, 3]
if (n := len(data)) > 2:
    print(n)
