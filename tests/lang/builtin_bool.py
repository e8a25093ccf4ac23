for v in [0, 1, -1, 0.0, 0.1, "", "0", " ", [], [0], (), (0,), {}, {0: 0}, set(), None, range(0), range(1), b"", b"\x00"]:
    print(repr(v), bool(v))
print(bool(), type(bool(1)))
