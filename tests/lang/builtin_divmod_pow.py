print(divmod(17, 5), divmod(-17, 5), divmod(17, -5), divmod(17.5, 5), divmod(0, 3))
print(pow(2, 8), pow(2, -1), pow(2, 8, 7), pow(-2, 3), pow(2.5, 2), pow(7, 0, 13), pow(3, 200, 1000))
try:
    pow(2, 3, 0)
except ValueError as e:
    print("ValueError:", e)
