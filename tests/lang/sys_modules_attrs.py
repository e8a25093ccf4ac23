import sys, math, json, os, time, gc
print(type(sys.argv), type(sys.getrefcount), type(math.pi), type(os.getpid()))
print(hasattr(sys, "exit"), hasattr(time, "sleep"), hasattr(gc, "collect"), hasattr(json, "dumps"), hasattr(os, "path"))
