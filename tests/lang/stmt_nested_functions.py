def outer(x):
    def helper(y):
        return y * 2
    def other(z):
        return helper(z) + 1
    return other(x)
print(outer(5))
def compose(f, g):
    def h(x):
        return f(g(x))
    return h
inc = lambda x: x + 1
dbl = lambda x: x * 2
print(compose(inc, dbl)(5), compose(dbl, inc)(5))
def apply_n(f, n):
    def run(x):
        for _ in range(n):
            x = f(x)
        return x
    return run
print(apply_n(dbl, 10)(1))
