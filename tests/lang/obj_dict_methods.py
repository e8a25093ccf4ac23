# dict methods and views.
def t(f):
    try:
        print(repr(f()))
    except (ValueError, TypeError, KeyError, RuntimeError) as e:
        print(type(e), e)

d = {"a": 1, "b": 2, "c": 3}
print(d.get("a"), d.get("z"), d.get("z", 0))
print(d.keys(), d.values(), d.items())
print(list(d.keys()), list(d.values()), list(d.items()))
print(len(d.keys()), "a" in d.keys(), "z" in d.keys(), 2 in d.values(), ("b", 2) in d.items(), ("b", 3) in d.items())
k = d.keys()
d["e"] = 5
print(k, len(k))
print(d.pop("e"), d.pop("z", "dflt"), d)
t(lambda: d.pop("z"))
print(d.setdefault("a", 9), d.setdefault("n", []), d)
d["n"].append(1); print(d)
print(d.popitem(), d)
t(lambda: {}.popitem())
d.update({"x": 1}); d.update([("y", 2), ["z", 3]]); d.update(w=4); d.update({"a": 0}, q=1); print(d)
t(lambda: {}.update([(1, 2, 3)]))
t(lambda: {}.update([1]))
t(lambda: {}.update(1))
t(lambda: {}.update({}, {}))
c = d.copy(); c["new"] = 1; print(len(d), len(c))
c.clear(); print(c, len(c))
print(dict.fromkeys("abc"), dict.fromkeys(["x", "y"], 0), dict.fromkeys(range(3), []))
print({}.fromkeys((1, 2)))
print(d.keys() == {"a", "b", "c", "x", "y", "z", "w", "q"}, {"a": 1}.keys() == {"a"})
print(sorted(d.keys() & {"a", "x", "nope"}), sorted(d.keys() - {"a", "b"}), sorted({"a": 1}.keys() | {"b"}))
print({1: 2}.items() == {(1, 2)}, {1: 2}.keys().isdisjoint([3]), {1: 2}.keys().isdisjoint([1]))
print(dict({"a": 1}.items()), repr({}.keys()), repr({}.items()), {1: {2: 3}}.values())
for key, val in {"p": 1, "q": 2}.items():
    print(key, val)
def mutate():
    m = {1: 1, 2: 2}
    for key in m:
        m[key + 10] = 0
t(mutate)
def mutate_keys():
    m = {1: 1, 2: 2}
    for key in m.keys():
        del m[key]
t(mutate_keys)
def mutate_values():
    m = {1: 1, 2: 2}
    for v in m.values():
        m.pop(1)
t(mutate_values)
def assign_ok():
    m = {1: 1, 2: 2}
    for key in m:
        m[key] = key * 10
    return m
t(assign_ok)
t(lambda: {}.get())
t(lambda: {}.keys(1))
t(lambda: {}.pop())
t(lambda: {[]: 1})
t(lambda: {}.get([]))
t(lambda: {}.setdefault([], 1))
