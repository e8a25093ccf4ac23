print(str.upper("x"), str.join(",", ["a", "b"]), str.lower("ABC"))
print(list(map(str.strip, [" a ", "b "])), sorted(["b", "A", "c"], key=str.lower))
