print({1, 2, 3})
print({0})
print(set(range(5)))
print({10, 20, 30} - {20})
