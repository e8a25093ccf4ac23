import gc
gc.collect()
a = []
a.append(a)
del a
print(gc.collect())
d = {}
d["self"] = d
l = [d]
d["l"] = l
del d, l
print(gc.collect())
print(gc.collect())
