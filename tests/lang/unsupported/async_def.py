# expect: SyntaxError: async/await is not supported
# at: 3:1
async def handler():
    await other()
print("never printed")
