d = {"k": "v"}
print(f"{d['k']}", f'{d["k"]}')
items = [1, 2, 3]
print(f"{len(items)} items: {', '.join(str(i) for i in items)}")
print(f"{'a' if items else 'b'}")
x = 3.0
print(f"x={x}, x*2={x*2}, str={str(x)}")
print(f"""multi
{x}""")
