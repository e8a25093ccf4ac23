print(hash(1), hash(0), hash(-1), hash(True), hash(False), hash(1.0) == hash(1), hash(1.5))
print(hash((1, 2)) == hash((1, 2)), hash(123456789))
print(hash(2 ** 61 - 1), hash(2 ** 61), hash(-2))
for v in [[], {}, set()]:
    try:
        hash(v)
    except TypeError as e:
        print("TypeError:", e)
try:
    {[1]: 2}
except TypeError as e:
    print("TypeError:", e)
