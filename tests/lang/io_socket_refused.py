# socket errors: a refused connection (a port bound, then closed), bad
# addresses, and operations on a closed socket.
import socket

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()

try:
    socket.create_connection(("127.0.0.1", port), timeout=5)
except ConnectionRefusedError as e:
    print(type(e).__name__, e, e.errno, isinstance(e, ConnectionError), isinstance(e, OSError))

try:
    socket.create_connection(("127.0.0.1", port))
except OSError as e:
    print(type(e).__name__, e)

c = socket.socket()
try:
    c.connect(("127.0.0.1", port))
except ConnectionRefusedError as e:
    print("connect:", e)
c.close()

bad = socket.socket()
for addr in [("127.0.0.1", 70000), ("127.0.0.1", "80"), (1, 2), "x"]:
    try:
        bad.connect(addr)
    except (OverflowError, TypeError) as e:
        print(type(e).__name__, e)
try:
    bad.bind(("127.0.0.1", 70000))
except OverflowError as e:
    print(e)
bad.close()

s2 = socket.socket()
s2.close()
s2.close()
for name in ["recv", "listen", "getsockname"]:
    try:
        if name == "recv":
            s2.recv(1)
        elif name == "listen":
            s2.listen(1)
        else:
            s2.getsockname()
    except OSError as e:
        print(name, type(e).__name__, e.errno)

try:
    socket.create_connection(("127.0.0.1", port), timeout=-1)
except ValueError as e:
    print("ValueError:", e)
