try:
    [][0]
except IndexError:
    raise KeyError("clean") from None
