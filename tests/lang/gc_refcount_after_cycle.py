import gc, sys
gc.collect()
keep = []
holder = [keep]
holder.append(holder)
print(sys.getrefcount(keep))
del holder
print(gc.collect())
print(sys.getrefcount(keep))
