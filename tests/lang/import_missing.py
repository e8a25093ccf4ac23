try:
    import mod_does_not_exist
except ImportError as e:
    print("ImportError:", e)
try:
    from mod_util import nothing_here
except ImportError:
    print("ImportError for a missing name")
print("after")
