# json.dumps byte for byte as CPython, json.loads round trips.
import json

def check(label, f):
    try:
        print(label, repr(f()))
    except Exception as e:
        # json.JSONDecodeError is a ValueError: print the base class name
        name = "ValueError" if isinstance(e, ValueError) else type(e).__name__
        print(label, name + ":", e)

data = {"a": [1, 2.5, {}, [], None, True, False], "b": "x\ny", 1: None, 2.0: True,
        None: "n", False: float("inf"), "é": "\u00e9\U0001F600\x7f\x01\"\\", "t": (1, (2,))}
print(json.dumps(data))
print(json.dumps(data, indent=2))
print(json.dumps(data, ensure_ascii=False))
print(json.dumps([1, [2, {"x": 3}]], indent=0))
print(json.dumps([1, [2, {"x": 3}]], indent="\t"))
print(json.dumps({"b": 1, "a": 2, "c": [3]}, sort_keys=True))
print(json.dumps({"b": 1, "a": 2}, sort_keys=True, separators=(",", ":")))
print(json.dumps({"b": 1, "a": [2]}, indent=2, separators=(", ", ": ")))
print(json.dumps([1e100, -0.0, 0.1, 1.0, 1e-7, 123456789012345680.0, float("nan"), -float("inf")]))
print(json.dumps("plain"), json.dumps(None), json.dumps(True), json.dumps(12), json.dumps(-3.5))
print(json.dumps([], indent=4), json.dumps({}, indent=4), json.dumps([[]], indent=1))
print(json.dumps({(1, 2): 3, "k": 1}, skipkeys=True))
print(json.dumps([1, 2], default=str))
print(json.dumps({"s": {3, 1}}, default=sorted))
check("set", lambda: json.dumps({1, 2}))
check("bytes", lambda: json.dumps(b"x"))
check("tuplekey", lambda: json.dumps({(1, 2): 3}))
check("nan", lambda: json.dumps(float("nan"), allow_nan=False))
l = []
l.append(l)
check("circular", lambda: json.dumps(l))
d = {}
d["d"] = d
check("circulard", lambda: json.dumps(d))

text = '{"a": [1, 2.0, true, false, null, "\\u00e9\\ud83d\\ude00"], "b": {"c": -0, "d": 1e5}, "a2": "x"}'
v = json.loads(text)
print(v)
print(type(v["b"]["c"]), type(v["b"]["d"]), v["b"]["d"])
print(json.loads("[]"), json.loads("{}"), json.loads("12"), json.loads("-1.5e3"), json.loads('"s"'), json.loads(" null "))
print(json.loads(b'[1, "x"]'), json.loads('{"k": 1, "k": 2}'))
finite = dict(data)
del finite[False]
print(json.loads(json.dumps(finite)))
print(json.dumps(json.loads('{"z": 1, "a": {"y": [1, 2]}}'), indent=1))
check("empty", lambda: json.loads(""))
check("trunc", lambda: json.loads("[1,"))
check("extra", lambda: json.loads("[1] x"))
check("notstr", lambda: json.loads(5))
