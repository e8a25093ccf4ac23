try:
    int("q")
except ValueError as e:
    raise RuntimeError("bad config") from e
