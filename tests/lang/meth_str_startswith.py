s = "hello world"
print(s.startswith("hello"), s.startswith("world"), s.endswith("world"), s.endswith("hello"), s.startswith(""), s.endswith(""))
print(s.startswith(("x", "he")), s.endswith(("ld", "zz")), s.startswith("world", 6), s.endswith("lo", 0, 5))
