import math
print(getattr(math, "pi") == math.pi, hasattr(math, "sqrt"), hasattr(math, "nope"), getattr(math, "nope", "default"))
s = "abc"
print(getattr(s, "upper")(), hasattr(s, "split"), hasattr(s, "append"), hasattr([], "append"))
print(getattr([1, 2], "count")(1), getattr({}, "get")("x", 0))
try:
    getattr(s, "nope")
except AttributeError as e:
    print("AttributeError:", e)
try:
    getattr(math, "nope")
except AttributeError as e:
    print("AttributeError:", e)
