try:
    b"a" + "b"
except TypeError as e:
    print("TypeError:", e)
try:
    b"abc"[0] = 1
except TypeError as e:
    print("TypeError:", e)
print(b"abc"[1], b"abc"[-1:])
