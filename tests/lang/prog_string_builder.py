rows = [("alice", 30, 1234.5), ("bob", 4, 0.25), ("carol", 101, 99999.999)]
lines = []
lines.append("%-8s|%5s|%12s" % ("name", "age", "balance"))
lines.append("-" * 27)
for name, age, bal in rows:
    lines.append("%-8s|%5d|%12.2f" % (name, age, bal))
print("\n".join(lines))
print("|".join("{:^7}".format(r[0]) for r in rows))
html = "<ul>" + "".join(f"<li>{n.title()} ({a})</li>" for n, a, _ in rows) + "</ul>"
print(html, len(html))
