import json
data = {"name": "gild", "version": [0, 1], "ok": True, "ratio": 0.25, "tags": ["a", "b"], "none": None, "nested": {"x": 1}}
s = json.dumps(data)
print(s)
back = json.loads(s)
print(back == data, back)
print(json.dumps(json.loads(json.dumps(data, indent=2)), sort_keys=True))
