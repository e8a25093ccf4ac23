try:
    1 / 0
except ZeroDivisionError:
    print("caught zde")
try:
    [][1]
except (KeyError, IndexError) as e:
    print("caught", type(e), e)
try:
    {}["k"]
except IndexError:
    print("wrong")
except KeyError as e:
    print("KeyError", e, repr(e))
try:
    int("x")
except Exception as e:
    print(type(e) is ValueError, e)
try:
    raise TypeError("t")
except:
    print("bare except")
