import json
print(json.dumps(1), json.dumps(1.5), json.dumps("s"), json.dumps(None), json.dumps(True), json.dumps(False))
print(json.dumps([1, "a", None, True, 2.5]), json.dumps({"a": 1, "b": [1, 2]}), json.dumps([]), json.dumps({}))
print(json.dumps((1, 2)), json.dumps({"nested": {"x": {"y": []}}}))
print(json.dumps("héllo \"q\" \\ \n\t€"), json.dumps("\x01"))
print(json.dumps({1: "int key", 2.5: "float key", True: "bool key", None: "none key"}))
print(json.dumps(0.1), json.dumps(1e100), json.dumps(-0.0), json.dumps(10 ** 15), json.dumps(1.0))
