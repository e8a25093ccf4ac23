def flatten(x):
    if isinstance(x, (list, tuple)):
        out = []
        for y in x:
            out.extend(flatten(y))
        return out
    return [x]
print(flatten([1, [2, (3, [4, [5]])], [], "s"]))
def depth(x):
    if isinstance(x, dict):
        return 1 + max((depth(v) for v in x.values()), default=0)
    if isinstance(x, list):
        return 1 + max((depth(v) for v in x), default=0)
    return 0
print(depth({"a": [1, {"b": []}], "c": 2}), depth([]), depth(5))
def perms(xs):
    if len(xs) <= 1:
        return [xs]
    return [[xs[i]] + p for i in range(len(xs)) for p in perms(xs[:i] + xs[i + 1:])]
print(perms([1, 2, 3]))
