import math
import sys, json
import os.path
from math import sqrt, pi
from json import dumps as d
print(math.floor(2.5), sqrt(16.0), round(pi, 4), d([1]))
print(type(math), type(sys) is type(json))
print(os.path.basename("/a/b.txt"))
import math as m
print(m is math)
