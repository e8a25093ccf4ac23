try:
    try:
        raise ValueError("a")
    except ValueError:
        raise KeyError("b")
except KeyError as e:
    print(repr(e), repr(e.__context__), e.__cause__)
try:
    raise IndexError("plain")
except IndexError as e:
    print(e.__context__, e.__cause__, e.__suppress_context__)
