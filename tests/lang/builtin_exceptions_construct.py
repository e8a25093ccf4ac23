for cls in [BaseException, Exception, ValueError, TypeError, KeyError, IndexError, ZeroDivisionError, AttributeError, NameError, UnboundLocalError, RuntimeError, RecursionError, OverflowError, MemoryError, AssertionError, StopIteration, NotImplementedError, OSError, FileNotFoundError, TimeoutError, KeyboardInterrupt]:
    e = cls("msg")
    print(cls, repr(e), str(e), e.args)
print(repr(KeyError("k")), str(KeyError("k")), str(KeyError()), str(ValueError()), repr(ValueError(1, 2)), str(ValueError(1, 2)))
print(str(OSError(2, "No such file or directory")), repr(OSError(2, "x")))
