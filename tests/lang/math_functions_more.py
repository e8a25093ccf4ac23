import math
print(math.isqrt(17), math.prod([1, 2, 3, 4]), math.fsum([0.1] * 10), math.modf(3.5), math.modf(-2.25))
print(math.comb(5, 2), math.perm(5, 2), math.lcm(4, 6), math.exp(2))
