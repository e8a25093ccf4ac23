a = [1, 2, 3, 4]
for x in a:
    if x == 2:
        a.remove(x)
print(a)
b = [1, 2]
for x in b:
    if len(b) < 5:
        b.append(x * 10)
print(b)
i = 0
for i in range(3):
    i = 100
print(i)
for j in range(0):
    pass
try:
    print(j)
except NameError as e:
    print("NameError:", e)
