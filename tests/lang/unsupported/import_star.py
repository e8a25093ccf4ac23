# expect: SyntaxError: star imports are not supported
# at: 3:18
from math import *
print(sqrt(4))
