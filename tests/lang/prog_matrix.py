def matmul(a, b):
    return [[sum(a[i][k] * b[k][j] for k in range(len(b))) for j in range(len(b[0]))] for i in range(len(a))]
def identity(n):
    return [[1 if i == j else 0 for j in range(n)] for i in range(n)]
m = [[1, 2], [3, 4]]
print(matmul(m, m), matmul(m, identity(2)) == m)
p = identity(2)
for _ in range(10):
    p = matmul(p, m)
print(p)
print([[round(x / 7, 3) for x in row] for row in p])
