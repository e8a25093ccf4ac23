from mod_util import double, GREETING
from mod_util import counter as c
print(double(5), GREETING)
print(c(), c(), c())
