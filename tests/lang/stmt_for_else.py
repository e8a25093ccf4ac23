for i in range(3):
    print(i)
else:
    print("else", i)
for i in range(10):
    if i == 4:
        print("break at", i)
        break
else:
    print("never")
for i in []:
    print("never")
else:
    print("empty else")
for c in "ab":
    for d in "xy":
        if d == "y":
            break
        print(c + d)
    else:
        print("inner else")
