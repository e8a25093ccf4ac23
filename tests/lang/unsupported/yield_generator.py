# expect: SyntaxError: yield (generators) is not supported
# at: 6:9
print("never printed")
def gen():
    for i in range(3):
        yield i
print(list(gen()))
