# expect: SyntaxError: except* is not supported
# at: 5:1
try:
    pass
except* ValueError:
    pass
