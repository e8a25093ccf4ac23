# An error inside a multi-line expression: the traceback names the line where the
# failing operation starts (CPython 3.11's locations), not the statement's first line.
def f(d):
    t = (1
         + 2
         + (3
            % d))
    return t


print(f(1))
f(0)
