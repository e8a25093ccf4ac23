# expect: SyntaxError: async/await is not supported
# at: 4:5
def outer():
    async def inner():
        return 1
    return inner
