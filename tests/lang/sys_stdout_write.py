import sys
n = sys.stdout.write("no newline")
sys.stdout.write("\n")
print(n)
sys.stdout.write("a" + "b\n")
print("mixed", end=": ")
sys.stdout.write("ok\n")
