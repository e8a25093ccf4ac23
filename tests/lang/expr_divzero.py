for f in [lambda: 1 / 0, lambda: 1 // 0, lambda: 1 % 0, lambda: 1.0 / 0, lambda: 1.5 // 0.0, lambda: 2 % 0.0, lambda: divmod(1, 0)]:
    try:
        f()
    except ZeroDivisionError as e:
        print("ZeroDivisionError:", e)
try:
    0.0 ** -1
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)
