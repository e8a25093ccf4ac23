print("mod_raises: start")
x = 1 / 0
