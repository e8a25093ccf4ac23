x = 5
print(1 < x < 10, 1 < x > 10, 1 < 2 < 3 < 4, 3 > 2 > 2)
print(1 == 1 == 1, 1 == 1 != 2, 0 <= x <= 5)
calls = []
def v(n):
    calls.append(n)
    return n
print(v(1) < v(0) < v(2))
print(calls)
print("a" < "b" < "c", "abc" < "abd", "Z" < "a", "" < "a")
print([1] == [1], (1, 2) != (1, 2), None == None, None != 0)
