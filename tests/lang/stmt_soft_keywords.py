match = [1, 2]
case = "c"
_ = "underscore"
print(match, case, _)
def type_(match, case=None):
    return match, case
print(type_(match=3))
