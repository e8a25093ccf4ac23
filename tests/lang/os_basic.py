import os
print(type(os.getpid()), os.getpid() > 0)
print("PATH" in os.environ, os.environ.get("GILD_SURELY_UNSET_VAR"), os.environ.get("GILD_SURELY_UNSET_VAR", "dflt"))
print(os.environ.get("PYTHONHASHSEED", "unset"), os.environ["PATH"] == os.environ.get("PATH"))
try:
    os.environ["GILD_SURELY_UNSET_VAR"]
except KeyError as e:
    print("KeyError:", e)
