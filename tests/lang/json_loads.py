import json
print(json.loads("1"), json.loads("1.5"), json.loads('"s"'), json.loads("null"), json.loads("true"), json.loads("false"))
v = json.loads('{"b": [1, 2.0, {"c": null}], "a": "x", "e": -1e3}')
print(v, type(v["b"][1]), type(v["e"]))
print(json.loads("[]"), json.loads("{}"), json.loads('  [1 , 2 ]  '), json.loads('"\\u00e9\\n"'))
print(json.loads('{"k": 1, "k": 2}'), list(json.loads('{"z": 1, "a": 2}')))
print(json.loads('123456789012'), json.loads("-0"), json.loads("0.1"))
