def f(a, b=1):
    return a + b
for call in [lambda: f(), lambda: f(1, 2, 3), lambda: f(1, c=2), lambda: f(1, a=2), lambda: len(), lambda: len([], [])]:
    try:
        call()
    except TypeError as e:
        print("TypeError:", e)
def g(*, k):
    return k
try:
    g()
except TypeError as e:
    print("TypeError:", e)
try:
    g(1)
except TypeError as e:
    print("TypeError:", e)
