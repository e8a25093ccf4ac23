# Functions for check_native.py's `gild dis` checks: the first group must be
# annotated `native: yes`, the second `native: no (<reason>)`. Running the file
# prints the same under gild (with or without the native tier) and python3.


# --- eligible: pure int code, self-recursion only ---
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def countdown(n):
    while n > 0:
        n -= 1
    return n


def gcd(a, b):
    while b != 0:
        t = a % b
        a = b
        b = t
    return a


def bits(a, b):
    return (a & b) | (a ^ -b)


def flow(n, k):
    s = 0
    while n > 0:
        n -= 1
        if n % 3 == 0 and not n == k:
            continue
        elif n > 100 or n < -100:
            break
        else:
            s += n // 2
    else:
        return s + 1
    return s


# --- not eligible ---
def calls_print(n):
    print(n)
    return n


def uses_float(n):
    return n + 1.5


def for_loop(n):
    s = 0
    for i in range(n):
        s += i
    return s


def calls_other(n):
    return fib(n) + 1


def returns_bool(n):
    return n > 0


def returns_none(n):
    if n > 0:
        return n


def uses_global(n):
    return n + LIMIT


def uses_string(n):
    if n > 0:
        return len("abc")
    return 0


def uses_list(n):
    xs = [n, n]
    return n


def true_div(n):
    return n / 2


def power(n):
    return n ** 2


def has_default(n, k=1):
    return n + k


def has_star(n, *rest):
    return n


def has_try(n):
    try:
        return n + 1
    except ValueError:
        return 0


def wrong_arity(n):
    if n <= 0:
        return 0
    return wrong_arity(n - 1, 0)


LIMIT = 10
print(fib(15), countdown(10), gcd(12, 18), bits(12, 10), flow(50, 3), flow(500, 0))
print(calls_print(3), uses_float(1), for_loop(5), calls_other(10), returns_bool(1),
      returns_none(0), uses_global(1), uses_string(1), uses_list(2), true_div(3), power(4),
      has_default(1), has_star(1, 2), has_try(1), wrong_arity(0))
