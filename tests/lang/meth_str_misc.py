s = "Hello"
print(s.upper().lower(), s[::-1].upper(), s.find("l") + s.count("l"))
print("%s has %d chars" % (s, len(s)))
print("a-b-c".split("-")[::-1], "-".join(reversed("a-b-c".split("-"))))
words = "the quick brown fox jumps over the lazy dog".split()
print(len(words), max(words, key=len), sorted(words)[:3])
