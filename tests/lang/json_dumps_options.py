import json
data = {"b": 1, "a": [1, 2, {"z": None, "y": True}], "c": "x"}
print(json.dumps(data, sort_keys=True))
print(json.dumps(data, indent=2))
print(json.dumps(data, indent=4, sort_keys=True))
print(json.dumps(data, separators=(",", ":")))
print(json.dumps(data, separators=(", ", ": "), sort_keys=True))
print(json.dumps([], indent=2), json.dumps({}, indent=2), json.dumps([[]], indent=2))
print(json.dumps([1, [2, 3]], indent=0))
