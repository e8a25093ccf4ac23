try:
    import mod_raises
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)
print("after")
