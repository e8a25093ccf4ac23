grid = [[0] * 3 for _ in range(3)]
for i in range(3):
    grid[i][i] = 1
print(grid)
alias = [[0] * 2] * 2
alias[0][0] = 5
print(alias)
m = [[1, 2, 3], [4, 5, 6]]
print([list(r) for r in zip(*m)], [row[1] for row in m], sum(sum(r) for r in m))
