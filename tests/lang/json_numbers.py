import json
print(json.dumps([0, -1, 9223372036854775807, -9223372036854775807, 1.5, 2.0, 1e16, 1.23e-5, 0.1 + 0.2]))
v = json.loads("[1, -1, 1.0, 1e2, 1E-2, 0.5, 12345678901234]")
print(v, [type(x) for x in v])
