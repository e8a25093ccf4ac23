for s in ["123", "12a", "", "abc", "ABC", "a b", " \t\n", "1.5"]:
    print(repr(s), s.isdigit(), s.isalpha(), s.isspace())
