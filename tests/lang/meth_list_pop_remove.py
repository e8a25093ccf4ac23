a = [1, 2, 3, 2, 1]
print(a.pop(), a, a.pop(0), a, a.pop(-2), a)
a.remove(2)
print(a)
try:
    a.remove(99)
except ValueError as e:
    print("ValueError:", e)
try:
    [].pop()
except IndexError as e:
    print("IndexError:", e)
try:
    [1].pop(5)
except IndexError as e:
    print("IndexError:", e)
