# expect: SyntaxError: class definitions are not supported
# at: 9:1
def ok(a, b=2, *args, **kw):
    return [x for x in args if x > a]
total = 0
for i in range(10):
    total += i
print(ok(1, 2, 3), total)
class Late:
    pass
