# expect: SyntaxError: except* (exception groups) is not supported
# at: 5:7
try:
    pass
except* ValueError:
    pass
