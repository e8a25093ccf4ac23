import gc
gc.collect()
for i in range(20000):
    a = [i]
    b = [a]
    a.append(b)
del a, b
left = gc.collect()
print(left < 40000)
print(gc.collect())
