a = [3, 1]
push = a.append
push(2)
print(a)
up = "abc".upper
print(up())
g = {"k": 1}.get
print(g("k"), g("x", "d"))
print(type(push))
