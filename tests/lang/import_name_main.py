import mod_util
print(__name__, mod_util.__name__, mod_util.NAME_AT_IMPORT)
