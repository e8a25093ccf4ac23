import json
doc = {"msg": "Hello, World!", "list": [1, [2, [3, [4]]]], "uni": "ünï€😀", "empty": {"a": [], "b": {}}}
print(json.dumps(doc))
print(json.dumps(doc, indent=1))
print(json.loads(json.dumps(doc)) == doc)
print(json.dumps({"message": "Hello, World!"}, separators=(",", ":")))
print(json.loads('"\\ud83d\\ude00"') == "😀", json.loads('["a\\"b", "c\\\\d"]'))
