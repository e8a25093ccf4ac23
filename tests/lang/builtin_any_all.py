print(any([]), all([]), any([0, 0]), any([0, 1]), all([1, 1]), all([1, 0]), any("a"), all(""))
print(any(x > 2 for x in [1, 2, 3]), all(x > 0 for x in [1, -1]))
