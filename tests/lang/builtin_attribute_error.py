for f in [lambda: [].nope, lambda: "s".nope, lambda: (1).nope, lambda: {}.nope, lambda: None.nope]:
    try:
        f()
    except AttributeError as e:
        print("AttributeError:", e)
