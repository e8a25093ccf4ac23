# Loop regions and control flow: `return` from inside the loop (an int, a str,
# None, a local), break, continue, while/else, while True, exceptions raised
# and caught inside the loop body, try/finally around and inside the loop.


def find(n, target):
    i = 0
    while i < n:
        if i * i == target:
            return i
        i += 1
    return "absent"


def find_str(n, target):
    i = 0
    while i < n:
        if i == target:
            return "found"
        if i == target + 1000:
            return None
        i += 1
    return -1


def ret_local(n):
    i = 0
    t = 0
    while True:
        t += i ^ 5
        if t > n:
            return t
        i += 1


def brk_cont(n):
    i = 0
    s = 0
    odd = 0
    while i < n:
        i += 1
        if i % 2 == 1:
            odd += 1
            continue
        if i > 3 * n // 4:
            break
        s += i
    else:
        s = -s
    return s, odd, i


def while_else(n, stop):
    i = 0
    while i < n:
        if i == stop:
            print("break at", i)
            break
        i += 1
    else:
        print("else ran, i =", i)
    return i


def raise_catch(n):
    i = 0
    caught = 0
    t = 0
    while i < n:
        try:
            if i % 250 == 0:
                raise ValueError(i)
            t += i % 17
        except ValueError as e:
            caught += 1
            t += e.args[0] // 250
        i += 1
    return t, caught


def raise_out(n):
    i = 0
    t = 0
    try:
        while i < n:
            t += i
            if t > 10000:
                raise KeyError(t)
            i += 1
    except KeyError as e:
        return "KeyError", e.args[0], i
    return t


def finally_inside(n):
    i = 0
    count = 0
    while i < n:
        try:
            i += 1
            if i % 100 == 0:
                continue
            if i == n - 3:
                break
        finally:
            count += 1
    return i, count


def nested_break(n):
    i = 0
    hits = 0
    while i < n:
        j = 0
        while True:
            j += 1
            if j >= i:
                break
            if (i * j) % 7 == 3:
                hits += 1
                continue
        if hits > 500:
            break
        i += 1
    return i, hits


print(find(10000, 9801), find(100, 7), find(0, 0))
print(find_str(5000, 4321), find_str(10, 20), find_str(2000, -1000 + 1500))
print(ret_local(100000))
print(brk_cont(1000), brk_cont(1), brk_cont(0))
print(while_else(100, 57), while_else(100, 1000))
print(raise_catch(3000))
print(raise_out(1000000), raise_out(10))
print(finally_inside(1000), finally_inside(50))
print(nested_break(1000))
