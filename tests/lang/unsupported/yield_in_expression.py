# expect: SyntaxError: yield (generators) is not supported
# at: 4:9
def gen():
    x = yield 1
    print(x)
