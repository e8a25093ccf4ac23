print("a b  c".split(), " lead trail ".split(), "a,b,,c".split(","), "a,b,c".split(",", 1), "".split(), "".split(","))
print("a\tb\nc  d".split(), "a::b::c".split("::"), "abc".split("x"), "a b c d".split(None, 2))
print("a,b,c".rsplit(",", 1), "a b c".rsplit(), "a b c".rsplit(None, 1), "x--y--z".rsplit("--"))
try:
    "a".split("")
except ValueError as e:
    print("ValueError:", e)
