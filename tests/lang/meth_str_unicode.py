print("straße".upper(), "ÉCOLE".lower(), "élan vital".title(), "ÀB".lower())
for s in ["²", "é", "日本", "٣", "\u2003"]:
    print(repr(s), s.isdigit(), s.isalpha(), s.isspace())
print(len("naïve"), "naïve"[2], "naïve".find("v"), "naïve".upper())
