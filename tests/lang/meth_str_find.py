s = "abracadabra"
print(s.find("a"), s.find("bra"), s.find("z"), s.find("a", 1), s.find("a", 1, 3), s.rfind("a"), s.rfind("bra"), s.rfind("z"))
print(s.index("c"), s.rindex("a") if hasattr(s, "rindex") else "", s.count("a"), s.count("bra"), s.count(""), "".count("a"))
print("日本語".find("語"), "aaa".count("aa"))
try:
    s.index("z")
except ValueError as e:
    print("ValueError:", e)
