import gc
gc.collect()
def make():
    def f():
        return f
    return f
for _ in range(10):
    make()
print(gc.collect() > 0)
print(gc.collect())
