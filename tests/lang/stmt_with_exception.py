try:
    with open("_tmp_stmt_with_exc.txt", "w") as f:
        f.write("x")
        raise ValueError("inside with")
except ValueError as e:
    print("caught", e, f.closed)
with open("_tmp_stmt_with_exc.txt") as a, open("_tmp_stmt_with_exc.txt", "rb") as b:
    print(a.read(), b.read())
import os
os.remove("_tmp_stmt_with_exc.txt")
