import mod_util
print(mod_util.double(21), mod_util.GREETING)
print(mod_util.__name__)
print(type(mod_util))
