x = 10
x += 5; print(x)
x -= 3; print(x)
x *= 2; print(x)
x /= 4; print(x)
x //= 2; print(x)
x **= 2; print(x)
x %= 5; print(x)
s = "ab"
s += "cd"
s *= 2
print(s)
a = [1]
b = a
a += [2, 3]
print(a, b, a is b)
t = (1,)
u = t
t += (2,)
print(t, u)
d = {"n": 1}
d["n"] += 10
print(d)
l = [0, 0]
l[1] -= 5
print(l)
