# socket timeouts: a recv the server never answers, an accept nobody
# connects to; settimeout/gettimeout; timeout 0 means non-blocking.
import socket
import time

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(("127.0.0.1", 0))
srv.listen(1)
port = srv.getsockname()[1]

c = socket.create_connection(("127.0.0.1", port), timeout=0.2)
conn, _ = srv.accept()
t0 = time.monotonic()
try:
    c.recv(10)
except socket.timeout as e:
    print("recv:", type(e).__name__, e, isinstance(e, OSError), e.args)
print(0.15 < time.monotonic() - t0 < 5)

c.settimeout(None)
print(c.gettimeout())
c.settimeout(1)
print(c.gettimeout())
c.settimeout(0.05)
try:
    c.recv(10)
except TimeoutError as e:
    print("again:", e)
try:
    c.settimeout(-1)
except ValueError as e:
    print("ValueError:", e)

c.setblocking(False)
print(c.gettimeout())
try:
    c.recv(10)
except BlockingIOError as e:
    print("BlockingIOError", e.errno > 0)

# The connection still works after timeouts.
c.setblocking(True)
conn.sendall(b"late")
print(c.recv(10))

srv.settimeout(0.1)
try:
    srv.accept()
except TimeoutError as e:
    print("accept:", e)
conn.close()
c.close()
srv.close()
