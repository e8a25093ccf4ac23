print(",".join(["a", "b", "c"]), "".join([]), "-".join("xyz"), " ".join(("one",)), ", ".join(str(i) for i in range(3)))
print("é".join(["a", "b"]), "\n".join(["l1", "l2"]))
try:
    ",".join([1, 2])
except TypeError as e:
    print("TypeError:", e)
