x = 5
print(-x, +x, ~x, not x, --x, -(-x))
y = -0.0
print(-y, +y)
print(~0, ~-1, ~255)
print(not 0, not "", not [], not [0])
