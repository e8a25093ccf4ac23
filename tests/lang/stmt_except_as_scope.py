e = "before"
try:
    raise ValueError("x")
except ValueError as e:
    print(e)
try:
    print(e)
except NameError as err:
    print("NameError:", err)
