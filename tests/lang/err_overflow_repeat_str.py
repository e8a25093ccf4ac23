try:
    "ab" * (2 ** 62)
except OverflowError as e:
    print("OverflowError:", e)
try:
    b"ab" * (2 ** 62)
except OverflowError as e:
    print("OverflowError:", e)
print("ok")
