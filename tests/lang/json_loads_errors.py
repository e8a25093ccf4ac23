import json
for bad in ["", "{", "[1,]", "nul", "{'a': 1}", "1 2"]:
    try:
        json.loads(bad)
        print("parsed", repr(bad))
    except ValueError:
        print("ValueError for", repr(bad))
