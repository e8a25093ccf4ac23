print("aaa".replace("a", "b"), "aaa".replace("a", "b", 2), "hello".replace("l", ""), "abc".replace("", "-"), "x".replace("y", "z"))
print("one two one".replace("one", "three"), "ééé".replace("é", "e", 1))
