count = 0
def inc():
    global count
    count += 1
for _ in range(5):
    inc()
print(count)
def make():
    global newname
    newname = "created"
make()
print(newname)
x = "module"
def reads():
    return x
def shadows():
    x = "local"
    return x
print(reads(), shadows(), x)
global y
y = 3
print(y)
