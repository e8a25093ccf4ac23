total = (1 +
         2 +
         3)
items = [
    "a",
    "b",
]
d = {
    "k": 1,
    "j": 2
}
def f(a,
      b=2):
    return a + b
x = 1 + \
    2
print(total, items, d, f(1,
                         3), x)
if (total > 1 and
        x > 1):
    print("multi-line condition")
s = ("implicit "
     "concatenation")
print(s)
