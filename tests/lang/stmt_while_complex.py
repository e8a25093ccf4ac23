a, b = 0, 1
fibs = []
while len(fibs) < 15:
    fibs.append(a)
    a, b = b, a + b
print(fibs)
n, steps = 27, 0
while n != 1:
    n = n // 2 if n % 2 == 0 else 3 * n + 1
    steps += 1
print(steps)
primes = []
c = 2
while len(primes) < 20:
    for p in primes:
        if c % p == 0:
            break
    else:
        primes.append(c)
    c += 1
print(primes)
