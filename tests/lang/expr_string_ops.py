print("ab" + "cd", "ab" * 3, 3 * "x", "" * 5)
print("abc" < "abd", "abc" == "abc", "a" != "b")
print("hello"[1:3], "hello".upper(), len("hello"))
print("b" in "abc", "ab" not in "abc")
print(str(1) + "1", int("1") + 1)
try:
    "a" + 1
except TypeError as e:
    print("TypeError:", e)
try:
    1 + "a"
except TypeError as e:
    print("TypeError:", e)
try:
    "a" * "b"
except TypeError as e:
    print("TypeError:", e)
