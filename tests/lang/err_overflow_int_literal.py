print("never: the literal is refused at compile time")
x = 9223372036854775808
print(x)
