# expect: SyntaxError: async functions are not supported
# at: 3:1
async def handler():
    await other()
print("never printed")
