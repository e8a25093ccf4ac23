print("a\nb\r\nc\rd".splitlines(), "a\n\nb\n".splitlines(), "".splitlines(), "no newline".splitlines(), "x\n".splitlines(True))
