import os
env = os.environ
print(env.get("PYTHONHASHSEED"), env.get("NOPE_NOT_SET_123") is None)
print("HOME" in env or "PATH" in env, type(env.get("PATH")))
keys = [k for k in env if k == "PYTHONHASHSEED"]
print(keys)
