print(sorted({x % 4 for x in range(20)}))
print({x * 2 for x in [1, 2, 2, 3]} == {2, 4, 6})
print(len({c for c in "mississippi"}))
