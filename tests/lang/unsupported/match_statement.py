# expect: SyntaxError: match statements are not supported
# at: 4:1
command = "go"
match command:
    case "go":
        print("going")
    case _:
        print("other")
