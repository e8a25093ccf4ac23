import gc
gc.collect()
gc.disable()
for i in range(1000):
    x = []
    y = [x]
    x.append(y)
del x, y
print(gc.collect())
gc.enable()
print(gc.collect())
