text = """the quick brown fox jumps over the lazy dog
the dog barks and the fox runs
a quick end"""
counts = {}
for line in text.splitlines():
    for word in line.split():
        counts[word] = counts.get(word, 0) + 1
top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
for word, n in top:
    print(f"{word:>6} {n:3d} {'#' * n}")
print(len(counts), sum(counts.values()))
