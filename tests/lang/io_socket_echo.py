# socket: a server and a client in one script. Single-threaded order: the
# client's connect completes against the listen backlog before accept().
import socket

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(5)
host, port = srv.getsockname()
print(host, type(port).__name__, 0 < port < 65536)

c = socket.create_connection(("127.0.0.1", port), timeout=5)
print(c.gettimeout(), c.family == socket.AF_INET, c.type == socket.SOCK_STREAM)
conn, addr = srv.accept()
print(addr[0], addr[1] == c.getsockname()[1], conn.getpeername() == c.getsockname())
print(conn.gettimeout(), c.getpeername() == (host, port))

c.sendall(b"hello")
data = b""
while len(data) < 5:
    data += conn.recv(100)
print(data)
n = conn.send(b"world!")
print(n)
got = b""
while len(got) < n:
    got += c.recv(3)
print(got)

# A bigger payload: sendall sends everything, recv returns it in pieces.
payload = bytes(range(256)) * 1024
c.sendall(payload)
received = []
total = 0
while total < len(payload):
    chunk = conn.recv(65536)
    received.append(chunk)
    total += len(chunk)
print(total, b"".join(received) == payload)

# The peer closing: recv returns b"".
conn.close()
print(c.recv(10))
c.close()
print(c.fileno())
try:
    c.recv(1)
except OSError as e:
    print(type(e).__name__, e)

# "localhost", the context manager, and a second connection on the same listener.
with socket.create_connection(("localhost", port)) as c2:
    conn2, _ = srv.accept()
    with conn2:
        c2.sendall(b"ping")
        print(conn2.recv(4))
    print(c2.recv(4))
print(c2.fileno(), conn2.fileno())
srv.close()

try:
    c.sendall("str")
except TypeError as e:
    print(e)
print(socket.timeout is TimeoutError, socket.error is OSError)
