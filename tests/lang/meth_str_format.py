print("{}-{}".format("a", "b"), "{0}{1}{0}".format("x", "y"), "{name}!".format(name="gild"))
print("{:5}|{:<5}|{:>5}|{:^5}|".format(1, 2, 3, 4))
print("{:.2f}|{:10.4f}".format(2 / 3, 3.14159))
print("{:,}|{:,.2f}".format(9876543210, 12345.678))
print("{!r}|{!s}".format("s", "s"))
print("{:d}|{:5d}|{:<5d}|{:+d}|{:03d}".format(5, 5, 5, 5, 5))
print("{:b}|{:o}|{:x}|{:X}".format(5, 64, 255, 255))
try:
    "{}".format()
except IndexError as e:
    print("IndexError:", e)
try:
    "{x}".format(y=1)
except KeyError as e:
    print("KeyError:", e)
