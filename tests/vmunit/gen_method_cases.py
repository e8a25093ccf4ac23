#!/usr/bin/env python3
"""Regenerates method_cases.h: calls of str/bytes/list/tuple/dict methods with
CPython 3.11's results (repr of the result and of the receiver afterwards, or
"ExceptionType: message"). Run: python3 gen_method_cases.py (in this dir)."""
import copy

S = "  Hello, World! héllo wörld  "
W = "héllo wörld héllo"
B = b"hello world"
CASES = []


def add(recv, name, *args, **kwargs):
    CASES.append((recv, name, args, kwargs))


for sep in [None, " ", ",", "l", "ll", "o w"]:
    for m in [-1, 0, 1, 2]:
        add(S, "split", sep, m)
        add(S, "rsplit", sep, m)
add("a,b,,c,", "split", ",")
add("", "split")
add(" \t\n a \x0b b\x1c\u2003c \xa0", "split")
add("a b c", "split", maxsplit=1)
add("a b c", "rsplit", sep=" ", maxsplit=1)
add(" a b ", "split", None, 1)
add(" a b ", "rsplit", None, 1)
add("1\n2\r\n3\r4\x0b5\x0c6\x1c7\x85 8\u2028", "splitlines")
add("1\n2\r\n3\r\n\n", "splitlines", True)
add("-", "join", ["a", "b", "c"])
add("é", "join", ("x", "y"))
add("-", "join", ["a", 1])
add("-", "join", 5)
for chars in [None, "", " ", " h", "d ", "xyz"]:
    for m in ["strip", "lstrip", "rstrip"]:
        add(S, m, chars)
add("ééaéé", "strip", "é")
for sub in ["l", "llo", "é", "wö", "", "zz", "héllo"]:
    for m in ["find", "rfind", "count"]:
        add(W, m, sub)
        add(W, m, sub, 2)
        add(W, m, sub, 3, -2)
        add(W, m, sub, -5)
        add(W, m, sub, 30)
    add(W, "index", sub)
    add(W, "rindex", sub)
add(W, "startswith", "hé")
add(W, "startswith", "é", 1)
add(W, "endswith", "llo")
add(W, "endswith", "ö", 0, 8)
add(W, "startswith", ("x", "hé"))
add(W, "startswith", "", 17)
add(W, "startswith", "", 18)
add(W, "startswith", 1)
add(W, "startswith", (1,))
add(W, "replace", "l", "L")
add(W, "replace", "l", "L", 2)
add(W, "replace", "", "-")
add(W, "replace", "", "-", 3)
add("aaaa", "replace", "aa", "b")
add("a", "replace", 1, "b")
for x in ["hello world", "HELLO", "they're bill's friends", "ß straße", "àéîõü ÀÉÎÕÜ",
          "hello2world 3rd", "Ünïcödé", "ÿ", "abc-DEF_ghi", "", "Title Case", "ΑΒΓ αβγ", "Привет"]:
    for m in ["upper", "lower", "title", "capitalize", "swapcase", "isupper", "islower",
              "istitle", "isalpha", "isalnum"]:
        add(x, m)
for x in ["123", "12a", "", " ", " \t\n", "abc", "²", "½", "٣", "a1", "_x1", "1x"]:
    for m in ["isdigit", "isdecimal", "isnumeric", "isspace", "isidentifier", "isascii"]:
        add(x, m)
for x in ["key=value=x", "novalue", "=", ""]:
    add(x, "partition", "=")
    add(x, "rpartition", "=")
add("a", "partition", "")
for x in ["42", "-42", "+7", "", "héllo"]:
    add(x, "zfill", 5)
    add(x, "center", 9)
    add(x, "center", 8, "*")
    add(x, "ljust", 7, "é")
    add(x, "rjust", 7, ".")
add("abc", "center", 6)
add("ab", "center", 5, "-")
add("a", "center", 5, "ab")
add("a", "center", "5")
add("a\tbc\tdef\tg\n\tx", "expandtabs")
add("a\tbc\tdef\tg\n\tx", "expandtabs", 4)
add("prefix_body", "removeprefix", "prefix_")
add("a.py", "removesuffix", ".py")
add("héllo", "encode")
add("é", "encode", "latin-1")
add("aé", "encode", "ascii", "replace")
add("x", "encode", "bogus")
add("{} {x}", "format", 1, x=2)
add("a", "split", "")
add("a", "find", 1)
# bytes
add(B, "split")
add(B, "split", b"o", 1)
add(b"  a  b  ", "split")
add(b" a b ", "split", None, 1)
add(b"-", "join", [b"a", b"b"])
add(b",", "join", [b"a", "b"])
add(b"xxhixx", "strip", b"x")
add(b"  hi  ", "rstrip")
add(B, "startswith", (b"x", b"he"))
add(B, "endswith", b"o", 0, 5)
add(B, "replace", b"o", b"0")
add(b"ab", "replace", b"", b"-")
add(B, "find", b"o", 5)
add(B, "find", 111)
add(B, "rfind", b"o")
add(B, "count", b"")
add(B, "index", b"z")
add(B, "upper")
add(b"\xff\x00ab", "hex")
add(b"h\xc3\xa9llo", "decode")
for x in [b"\xff", b"a\xe2\x82", b"\xe2\x82x", b"\xf0\x9f\x98", b"\xf0\x9fab", b"\xed\xa0\x80",
          b"\xc0\xaf", b"\xe0\x80\x80", b"\xf4\x90\x80\x80", b"ok\x80ok", b"\xf0\x9f\x98\x80\xff"]:
    for e in ["strict", "replace", "ignore", "backslashreplace"]:
        add(x, "decode", "utf-8", e)
add(b"a\xffb", "decode", "ascii")
add(b"a\xffb", "decode", "utf-8", "bogus")
add(b"a", "decode", "nope")
# list / tuple
L0 = [3, 1, 2, 3]
add(L0, "append", 4)
add(L0, "extend", (5, 6))
add(L0, "extend", "ab")
add(L0, "insert", -1, "x")
add(L0, "insert", 100, "x")
add(L0, "pop")
add(L0, "pop", 0)
add(L0, "pop", 9)
add([], "pop")
add(L0, "remove", 3)
add(L0, "remove", 9)
add(L0, "index", 3)
add(L0, "index", 3, 1)
add(L0, "index", 9)
add(L0, "count", 3)
add(L0, "reverse")
add(L0, "copy")
add(L0, "clear")
add([5, 2, 8, 1, 9, 3, 7, 4, 6, 0], "sort")
add([5, 2, 8, 1, 9, 3, 7, 4, 6, 0], "sort", reverse=True)
add([3.5, -1, 2, 0.5, True, False], "sort")
add([3, 1, "a", 2], "sort")
add([1, "a"], "sort")
add([None, 1], "sort")
add([[3, 1], [2], [3, 0], []], "sort")
add([(i * 7919) % 1000 for i in range(100)], "sort")
add([(i * 7919) % 1000 for i in range(100)], "sort", reverse=True)
add((1, 2, 1, 3), "count", 1)
add((1, 2, 1, 3), "index", 3)
add((1, 2), "index", 9)
# dict
D0 = {"a": 1, "b": 2, "c": 3}
add(D0, "get", "a")
add(D0, "get", "z")
add(D0, "get", "z", 0)
add(D0, "keys")
add(D0, "values")
add(D0, "items")
add(D0, "pop", "b")
add(D0, "pop", "z", None)
add(D0, "pop", "z")
add(D0, "popitem")
add({}, "popitem")
add(D0, "setdefault", "a", 9)
add(D0, "setdefault", "n")
add(D0, "update", {"x": 1})
add(D0, "update", [("y", 2), ["z", 3]])
add(D0, "update", w=4)
add(D0, "update", [(1, 2, 3)])
add(D0, "update", [1])
add(D0, "copy")
add(D0, "clear")
add(D0, "fromkeys", "ab", 0)
add({}, "get")
# set (built from lists so the insertion order is the list's)
A = set([1, 2, 3, 4, 5, 17, 33])
Bs = set([4, 5, 6, 7, 33, 49])
for name in ["union", "intersection", "difference", "symmetric_difference", "issubset",
             "issuperset", "isdisjoint", "update", "intersection_update", "difference_update",
             "symmetric_difference_update"]:
    add(A, name, Bs)
    add(A, name, [5, 6, 50, 1])
add(A, "union", Bs, [100, 8])
add(A, "intersection", Bs, set([5, 33]))
add(A, "difference", Bs, [1])
add(A, "union")
add(A, "add", 9)
add(A, "add", 1)
add(A, "discard", 2)
add(A, "discard", 99)
add(A, "remove", 99)
add(A, "remove", 17)
add(A, "pop")
add(set(), "pop")
add(A, "copy")
add(A, "clear")
add(A, "add", [1])
add(set(range(0, 200, 7)), "difference", set([0, 14, 28]))
add(set(range(0, 200, 7)), "intersection", range(0, 100))
# dict views
add(D0, "keys")
add({1: 2}, "items")


def c_str(s):
    out = '"'
    for ch in s.encode():
        if ch in (34, 92):
            out += "\\" + chr(ch)
        elif 32 <= ch < 127:
            out += chr(ch)
        else:
            out += "\\%03o" % ch
    return out + '"'


def c_bytes(b):
    out = '"'
    for ch in b:
        if ch in (34, 92):
            out += "\\" + chr(ch)
        elif 32 <= ch < 127:
            out += chr(ch)
        else:
            out += "\\%03o" % ch
    return out + '"'


def c_value(v):
    if v is None:
        return "v_none()"
    if isinstance(v, bool):
        return "v_bool(%d)" % v
    if isinstance(v, int):
        return "v_int(INT64_C(%d))" % v
    if isinstance(v, float):
        return "v_float(%r)" % v
    if isinstance(v, str):
        return "S(%s)" % c_str(v)
    if isinstance(v, bytes):
        return "BY(%s, %d)" % (c_bytes(v), len(v))
    if isinstance(v, list):
        return "LI(%d%s)" % (len(v), "".join(", " + c_value(x) for x in v))
    if isinstance(v, tuple):
        return "TU(%d%s)" % (len(v), "".join(", " + c_value(x) for x in v))
    if isinstance(v, set):
        return "SE(%d%s)" % (len(v), "".join(", " + c_value(x) for x in v))
    if isinstance(v, range):
        return "RA(%d, %d, %d)" % (v.start, v.stop, v.step)
    if isinstance(v, dict):
        return "DI(%d%s)" % (len(v), "".join(", %s, %s" % (c_value(k), c_value(x)) for k, x in v.items()))
    raise TypeError(v)


def outcome(recv, name, args, kwargs):
    r = copy.deepcopy(recv)
    try:
        res = getattr(r, name)(*args, **kwargs)
        return repr(res) + " | " + repr(r)
    except Exception as e:
        return "%s: %s" % (type(e).__name__, e)


def main():
    out = ["/* Generated by gen_method_cases.py from CPython. Do not edit. */",
           "static void run_method_cases(void) {"]
    for recv, name, args, kwargs in CASES:
        kw = "NULL" if not kwargs else "DI(%d%s).as.o" % (len(kwargs), "".join(", S(%s), %s" % (c_str(k), c_value(v)) for k, v in kwargs.items()))
        argv = ", ".join(c_value(a) for a in args) or "v_none()"
        out.append("  { Value a[] = {%s}; check_method(%s, %s, a, %d, %s, %s); }" % (
            argv, c_value(recv), c_str(name), len(args), kw, c_str(outcome(recv, name, args, kwargs))))
    out.append("}")
    open("method_cases.h", "w").write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
