import math
data = [2.5, 3.5, 1.0, 4.0, 9.5, 3.5]
mean = sum(data) / len(data)
var = sum((x - mean) ** 2 for x in data) / (len(data) - 1)
sd = math.sqrt(var)
s = sorted(data)
median = (s[len(s) // 2 - 1] + s[len(s) // 2]) / 2
print(f"n={len(data)} mean={mean:.4f} sd={sd:.4f} median={median} min={min(data)} max={max(data)}")
hist = {}
for x in data:
    b = int(x // 2) * 2
    hist[b] = hist.get(b, 0) + 1
for b in sorted(hist):
    print(f"[{b:2d},{b + 2:2d}) {'*' * hist[b]}")
