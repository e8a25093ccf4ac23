import gc
gc.collect()
a = [1, 2, 3]
b = {"a": a}
del b
print(gc.collect())
print(a)
