print(hex(255), hex(0), hex(-255), bin(10), bin(0), bin(-10))
print(hex(9223372036854775807), bin(2 ** 40))
try:
    hex(1.5)
except TypeError as e:
    print("TypeError:", e)
