print("key=value=x".partition("="), "novalue".partition("="), "a.b.c".rpartition("."), "abc".rpartition("x"))
try:
    "a".partition("")
except ValueError as e:
    print("ValueError:", e)
