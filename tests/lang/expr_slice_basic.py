a = list(range(10))
print(a[2:5], a[:3], a[7:], a[:], a[-3:], a[:-3], a[-5:-2])
print(a[100:], a[5:2], a[-100:2], a[3:3])
s = "hello world"
print(s[:5], s[6:], s[-5:], s[::-1], s[1:-1])
t = (1, 2, 3, 4)
print(t[1:3], t[::-1], t[:0])
b = b"abcdef"
print(b[1:4], b[::-2])
