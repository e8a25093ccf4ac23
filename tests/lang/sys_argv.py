# args: alpha 42 --flag
import sys
print(sys.argv)
print(len(sys.argv), sys.argv[1:], int(sys.argv[2]) + 1)
