try:
    raise ValueError
except ValueError as e:
    print(repr(e), e.args, str(e) == "")
try:
    raise ValueError("msg", 2)
except ValueError as e:
    print(repr(e), e.args, str(e))
def reraise():
    try:
        raise KeyError("k")
    except KeyError:
        print("handling")
        raise
try:
    reraise()
except KeyError as e:
    print("re-raised", repr(e))
try:
    raise RuntimeError("rt")
except Exception as e:
    print(isinstance(e, RuntimeError), isinstance(e, Exception), isinstance(e, ValueError))
try:
    raise 5
except TypeError as e:
    print("TypeError:", e)
