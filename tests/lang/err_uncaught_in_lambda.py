f = lambda x: x["k"]
print(f({"k": "v"}))
print(f({}))
