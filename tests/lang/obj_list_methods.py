# list and tuple methods, sort stability and errors.
def t(f):
    try:
        print(repr(f()))
    except (ValueError, TypeError, IndexError, ZeroDivisionError) as e:
        print(type(e), e)

a = [3, 1, 2]
a.append(4); print(a)
a.extend([5, 6]); print(a)
a.extend((7,)); a.extend(range(8, 10)); a.extend("ab"); print(a)
a.extend(a); print(len(a), a[-3:])
b = [1, 2, 3]
b.insert(0, "x"); b.insert(-1, "y"); b.insert(100, "z"); b.insert(-100, "w"); print(b)
print(b.pop(), b.pop(0), b.pop(-2), b)
t(lambda: [].pop())
t(lambda: [1].pop(5))
t(lambda: [1].pop(-2))
c = [1, 2, 3, 2, 1]
c.remove(2); print(c)
t(lambda: c.remove(9))
print(c.index(1), c.index(1, 1), c.index(2, -3), c.count(1), c.count(9))
t(lambda: c.index(9))
t(lambda: c.index("x"))
t(lambda: c.index(1, 1, 2))
c.reverse(); print(c)
d = c.copy(); d.append(0); print(c, d)
d.clear(); print(d, len(d))
nums = [5, 2, 8, 1, 9, 3, 7, 4, 6, 0]
nums.sort(); print(nums)
nums.sort(reverse=True); print(nums)
words = ["banana", "Apple", "cherry", "apple", "Banana", "date"]
print(sorted(words), sorted(words, key=lambda w: w.lower()), sorted(words, key=len))
words.sort(key=lambda w: (len(w), w)); print(words)
pairs = [(1, "b"), (0, "a"), (1, "a"), (0, "b"), (2, "c"), (1, "c")]
pairs.sort(key=lambda p: p[0]); print(pairs)
pairs.sort(key=lambda p: p[0], reverse=True); print(pairs)
big = [(i * 7919) % 1000 for i in range(300)]
s1 = sorted(big)
big.sort(key=lambda x: -x)
print(s1[:10], s1[-5:], big[:5], big == sorted(s1, reverse=True))
stab = [(i % 5, i) for i in range(200)]
stab.sort(key=lambda p: p[0])
print(stab[:6], stab[-3:])
stab.sort(key=lambda p: p[0], reverse=True)
print(stab[:6], stab[-3:])
fl = [3.5, -1, 2, 0.5, True, False]
fl.sort(); print(fl)
t(lambda: [1, "a"].sort())
t(lambda: [3, 1, "a", 2].sort())
t(lambda: sorted([3, "a", 1, 2], reverse=True))
t(lambda: [None, 1].sort())
t(lambda: [1, 2].sort(1))
t(lambda: [1, 2].sort(key=lambda x: 1 / 0 if x == 2 else x))
e = [3, 2, 1]
e.sort(key=None); print(e)
tu = (1, 2, 1, 3, 1)
print(tu.count(1), tu.index(3), tu.index(1, 1), tu.count("x"))
t(lambda: tu.index(9))
t(lambda: [].append())
t(lambda: [].insert(1))
t(lambda: [].count())
nested = [[3, 1], [2], [3, 0], []]
nested.sort(); print(nested)
strs = ["b", "a", "c"]
strs.sort(reverse=True); print(strs)
