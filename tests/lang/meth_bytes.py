b = b"Hello, World"
print(b.decode(), b.upper(), b.lower(), b.split(b", "), b.replace(b"l", b"L"), b.find(b"o"), b.count(b"l"))
print(b.startswith(b"He"), b.endswith(b"x"), b.strip(b"Hd"), b"  x ".strip(), b",".join([b"a", b"b"]))
print(b"a b".split(), b"\xc3\xa9".decode("utf-8"), b.index(b"W"), b.rfind(b"o"), b"12".isdigit(), b"ab".isalpha())
print(b"k=v".partition(b"="), b"abc".zfill(5), b"x".center(5), b"line1\nline2".splitlines())
try:
    b"\xff".decode()
except ValueError:
    print("invalid utf-8 raises a ValueError")
