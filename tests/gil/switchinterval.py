# The GIL's switch interval: 5 ms, as in CPython.
import sys

print(sys.getswitchinterval())
