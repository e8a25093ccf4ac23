pairs = [(ValueError, Exception), (KeyError, Exception), (IndexError, Exception), (ZeroDivisionError, Exception),
         (UnboundLocalError, NameError), (RecursionError, RuntimeError), (NotImplementedError, RuntimeError),
         (FileNotFoundError, OSError), (TimeoutError, OSError), (KeyboardInterrupt, Exception), (KeyboardInterrupt, BaseException),
         (Exception, BaseException), (StopIteration, Exception), (MemoryError, Exception), (OverflowError, Exception)]
for sub, sup in pairs:
    try:
        raise sub("x")
    except sup:
        print(sub, "caught by", sup)
    except BaseException:
        print(sub, "NOT caught by", sup)
try:
    raise KeyboardInterrupt
except Exception:
    print("wrong")
except KeyboardInterrupt:
    print("KeyboardInterrupt is not an Exception")
