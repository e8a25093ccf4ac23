try:
    try:
        1 / 0
    except ZeroDivisionError as e:
        raise ValueError("converted") from e
except ValueError as e:
    print(repr(e), repr(e.__cause__), e.__suppress_context__)
try:
    raise KeyError("x") from None
except KeyError as e:
    print(repr(e), e.__cause__, e.__suppress_context__)
