def parse_qs(qs):
    out = {}
    for part in qs.split("&"):
        if not part:
            continue
        k, sep, v = part.partition("=")
        out.setdefault(k, []).append(v)
    return out
def get_int(params, name, default):
    vals = params.get(name)
    if not vals:
        return default
    try:
        return int(vals[0])
    except ValueError:
        return default
q = parse_qs("n=100&ms=10&flag&n=5&bad=x&")
print(q)
print(get_int(q, "n", 0), get_int(q, "ms", 1), get_int(q, "bad", -1), get_int(q, "none", 7))
