try:
    {}["x"]
except KeyError:
    raise ValueError("while handling")
