print("mod_side_effect: executing module body")
VALUE = 42
loads = 1
