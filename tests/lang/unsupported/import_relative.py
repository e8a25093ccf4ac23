# expect: SyntaxError: relative imports are not supported
# at: 3:6
from . import mod_util
print(mod_util.double(2))
