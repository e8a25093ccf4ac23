import sys
print("msg exit")
sys.exit("fatal: something went wrong")
