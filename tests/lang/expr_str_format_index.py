print("{0[0]} {0[1]}".format([5, 6]), "{d[k]}".format(d={"k": 9}))
print("{0} {0}".format("again"), "{:}".format(3))
