a = [10, 20, 30, 40, 50]
print(a[0], a[-1], a[-2], a[4], a[-5])
s = "python"
print(s[0], s[-1], s[-6])
t = (1, 2, 3)
print(t[-1], t[-3])
a[-1] = 99
print(a)
try:
    a[5]
except IndexError as e:
    print("IndexError:", e)
try:
    s[-7]
except IndexError as e:
    print("IndexError:", e)
try:
    t[3]
except IndexError as e:
    print("IndexError:", e)
