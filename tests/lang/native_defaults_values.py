# The native tier: functions with default parameter values (a call that uses a
# default, an int, float or bool default), ~ and unary +, `and` / `or` as
# values, and a function returning its bool argument: CPython's results.
def acc(n, a=0):
    if n == 0:
        return a
    return acc(n - 1, a + n)


def keep(n, k=5):
    if n == 0:
        return k
    return keep(n - 1, k)


def add_float_default(n, k=1.5):
    return n + k


def add_bool_default(n, k=True):
    return n + k


def inv(n):
    return ~n


def pos(n):
    return +n


def if_not(n):
    if not n:
        return 1
    return 0


def and_value(a, b):
    return a and b


def or_value(a, b):
    return a or b


def ident(n):
    return n


print(acc(10), acc(10, 5), acc(0), acc(100), acc(3, 0.5))
print(keep(3), keep(3, 1), keep(0), keep(2, 2.5), keep(2, True))
print(add_float_default(1, 2), add_float_default(1), add_float_default(2, 3), add_float_default(1))
print(add_bool_default(1, 2), add_bool_default(1), add_bool_default(1, False), add_bool_default(1))
print([inv(x) for x in (0, 1, -1, 255, 9223372036854775807, -9223372036854775807 - 1)])
print([pos(x) for x in (0, 1, -5)], pos(True), inv(True), inv(False), pos(1.5), pos(-0.0))
print([if_not(x) for x in (0, 1, -3)], if_not(0.0), if_not(False), if_not(""))
print(and_value(0, 5), and_value(3, 5), or_value(0, 5), or_value(3, 5), or_value(0, 0))
print(and_value(True, 2), or_value(0, False), and_value(2, True), or_value(False, 0))
print(ident(True), ident(False), ident(2), ident(-0.0))
