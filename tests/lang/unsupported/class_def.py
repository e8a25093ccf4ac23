# expect: SyntaxError: class definitions are not supported
# at: 4:1
print("never printed: refusal happens at compile time")
class Point:
    pass
