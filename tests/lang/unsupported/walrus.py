# expect: SyntaxError: assignment expressions are not supported
# at: 4:5
data = [1, 2, 3]
if (n := len(data)) > 2:
    print(n)
