# expect: SyntaxError: yield (generators) is not supported
# at: 4:5
def gen():
    yield from [1, 2]
print(list(gen()))
