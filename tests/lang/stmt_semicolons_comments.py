# a comment
x = 1; y = 2; print(x + y)  # trailing comment
if x: print("inline if")
for i in range(2): print(i); print(-i)
def f(): return "one-liner"
print(f())
    # indented comment
'''a docstring-like string statement'''
"""another"""
print("end")
