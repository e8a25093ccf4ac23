print("Hello World".upper(), "Hello World".lower(), "hello world".title(), "HELLO wORLD".title(), "they're bill's".title())
print("ab1c".upper(), "".upper(), "MiXeD 42".lower())
