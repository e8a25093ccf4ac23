print(round(2.5), round(3.5), round(-0.5), round(1.5), round(0.5), round(2.675, 2), round(1.23456, 3), round(-1.5))
print(round(5), round(15, -1), round(25, -1), round(1234.5678, -2), round(1.0), type(round(1.5)), type(round(1.5, 1)))
print(round(0.125, 2), round(0.375, 2), round(3.14159, 0))
