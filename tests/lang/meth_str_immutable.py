s = "abc"
try:
    s[0] = "x"
except TypeError as e:
    print("TypeError:", e)
t = s
s += "d"
print(s, t)
try:
    del s[0]
except TypeError as e:
    print("TypeError:", e)
