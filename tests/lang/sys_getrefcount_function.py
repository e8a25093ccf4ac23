import sys
def f(obj):
    return sys.getrefcount(obj)
v = {}
print(sys.getrefcount(v))
print(f(v))
def g():
    local = []
    alias = local
    return sys.getrefcount(local)
print(g())
