# A subscript spread over lines fails on the line where it starts.
def g(x):
    return [x,
            len(x),
            x[
              5]]


print(g([1, 2, 3, 4, 5, 6]))
g([1])
