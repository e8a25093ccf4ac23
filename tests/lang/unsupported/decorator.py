# expect: SyntaxError: decorators are not supported
# at: 5:1
def deco(f):
    return f
@deco
def g():
    return 1
print(g())
