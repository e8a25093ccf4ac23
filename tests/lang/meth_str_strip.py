print(repr("  x  ".strip()), repr("  x  ".lstrip()), repr("  x  ".rstrip()), repr("\t\n x \r\n".strip()))
print("xxhixx".strip("x"), "abcba".strip("ab"), "www.example.com".lstrip("w."), "file.txt.bak".rstrip(".bak"))
print(repr("".strip()), repr("   ".strip()))
