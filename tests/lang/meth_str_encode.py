print("héllo".encode(), "abc".encode("utf-8"), "€".encode(), len("€".encode()), "".encode())
print("日本".encode().decode() == "日本")
