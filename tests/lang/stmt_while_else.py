i = 0
while i < 5:
    i += 1
else:
    print("done", i)
i = 0
while True:
    i += 1
    if i == 3:
        break
else:
    print("never")
print(i)
n = 10
total = 0
while n:
    n -= 1
    if n % 2:
        continue
    total += n
print(total)
while False:
    pass
else:
    print("else runs on false start")
