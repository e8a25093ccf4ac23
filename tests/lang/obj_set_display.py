# Set displays: CPython builds a display of 3+ constants through a frozenset
# constant and SET_UPDATE, which changes the order when hashes collide.
print({1, 9, 17, 25, 33}, {8, 16, 0, 24}, {-1, -2, -3, 100, 1000, 7})
print({1, 2, 3, 4, 5, 17, 33} | {4, 5, 6, 7, 33, 49})
x = 9
print({1, x, 17, 25, 33}, {x, 1, 17})
print({i for i in (1, 9, 17, 25, 33)})
