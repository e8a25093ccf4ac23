a = list(range(10))
print(a[::2], a[1::2], a[::-1], a[::-2], a[8:2:-2], a[2:8:3], a[-1:-5:-1])
print(a[5::-1], a[:5:-1], a[::3], a[10:0:-3])
s = "abcdefgh"
print(s[::2], s[::-3], s[6:1:-2])
try:
    a[::0]
except ValueError as e:
    print("ValueError:", e)
