out = []
for i in range(10):
    if i % 2 == 0:
        continue
    if i > 7:
        break
    out.append(i)
print(out)
i = 0
res = []
while i < 10:
    i += 1
    if i == 3:
        continue
    if i == 6:
        break
    res.append(i)
print(res)
for i in range(3):
    try:
        if i == 1:
            continue
        print("body", i)
    finally:
        print("finally", i)
