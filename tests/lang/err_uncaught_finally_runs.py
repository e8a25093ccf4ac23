def f():
    try:
        raise OSError("disk")
    finally:
        print("finally ran")
f()
