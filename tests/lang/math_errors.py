import math
for f, arg in [(math.sqrt, -1), (math.log, 0), (math.log, -1), (math.acos, 2)]:
    try:
        f(arg)
    except ValueError as e:
        print("ValueError:", e)
try:
    math.exp(1000)
except OverflowError as e:
    print("OverflowError:", e)
try:
    math.sqrt("x")
except TypeError as e:
    print("TypeError:", e)
try:
    math.factorial(-1)
except ValueError as e:
    print("ValueError:", e)
