# return/break/continue through except + finally, and continue inside a
# finally that runs because of a return.
def f(x):
    try:
        if x:
            raise ValueError(x)
        return "plain"
    except ValueError:
        return "handled"
    finally:
        print("finally", x)

print(f(0), f(1))

def g():
    out = []
    for i in range(4):
        try:
            if i == 1:
                continue
            if i == 3:
                break
            out.append(i)
        except Exception:
            out.append("e")
        finally:
            out.append("f%d" % i)
    return out

print(g())

def h():
    for i in range(3):
        try:
            return i
        finally:
            if i < 2:
                continue
    return "end"

print(h())

def k():
    n = 0
    while n < 3:
        try:
            n += 1
            if n == 2:
                raise RuntimeError("two")
        except RuntimeError as e:
            print("caught", e)
            continue
        finally:
            print("n =", n)
    return n

print(k())
