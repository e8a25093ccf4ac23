import sys
print("line 1")
sys.stdout.write("partial ")
print("line 2", end="")
raise TimeoutError("late")
