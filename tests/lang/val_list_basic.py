a = [1, 2, 3]
print(a, len(a), a[0], a[-1])
a[1] = "two"
print(a)
print([], [[]], [1, [2, [3]]])
print(a + [4], [0] * 3)
print(repr(["a", 'b"', "c'"]))
b = a
b.append(5)
print(a, a is b, a == [1, "two", 3, 5])
print([1, 2] < [1, 3], [1, 2] < [1, 2, 0], [2] > [1, 9])
