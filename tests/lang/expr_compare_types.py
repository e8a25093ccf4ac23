print(1 == "1", [] == (), {} == [], 0 == False, 1 == True, 2 == True)
try:
    print(1 < "a")
except TypeError as e:
    print("TypeError:", e)
try:
    print([1] < (1,))
except TypeError as e:
    print("TypeError:", e)
try:
    print(None < None)
except TypeError as e:
    print("TypeError:", e)
print(float("nan") == float("nan"), float("nan") != float("nan"))
