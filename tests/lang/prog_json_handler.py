import json
def handle(method, path, body):
    if method != "POST":
        return 405, {"error": "method not allowed"}
    try:
        data = json.loads(body)
    except ValueError:
        return 400, {"error": "bad json"}
    if not isinstance(data, dict) or "items" not in data:
        return 422, {"error": "missing items"}
    total = sum(item.get("price", 0) * item.get("qty", 1) for item in data["items"])
    return 200, {"path": path, "count": len(data["items"]), "total": round(total, 2)}
for req in [("GET", "/x", ""), ("POST", "/cart", "{oops"), ("POST", "/cart", "[1]"),
            ("POST", "/cart", '{"items": [{"price": 1.25, "qty": 4}, {"price": 0.1, "qty": 3}, {"price": 2}]}')]:
    status, resp = handle(*req)
    print(status, json.dumps(resp, sort_keys=True))
