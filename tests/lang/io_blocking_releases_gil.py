# A thread blocked in a system call lets the others run bytecode: while the
# worker sleeps, waits in recv() and in accept(), the main thread keeps
# looping and sees the worker's "blocked" phase for about the whole wait.
# (Were the GIL held across the call, the main thread could not run during
# it and would see that phase for at most one switch interval.)
import socket
import threading
import time

phase = "start"
spans = {}


def blocked(name, call):
    global phase
    phase = name
    try:
        call()
    except TimeoutError:
        pass
    phase = "between"


def worker(srv, port):
    global phase
    blocked("sleep", lambda: time.sleep(0.5))
    c = socket.create_connection(("127.0.0.1", port), timeout=0.5)
    conn, _ = srv.accept()
    blocked("recv", lambda: c.recv(10))
    srv.settimeout(0.5)
    blocked("accept", lambda: srv.accept())
    c.close()
    conn.close()
    phase = "done"


srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
t = threading.Thread(target=worker, args=(srv, srv.getsockname()[1]))
t.start()
deadline = time.monotonic() + 30
while phase != "done" and time.monotonic() < deadline:
    p = phase
    now = time.monotonic()
    if p in spans:
        spans[p][1] = now
    else:
        spans[p] = [now, now]
t.join()
srv.close()
for name in ["sleep", "recv", "accept"]:
    first, last = spans.get(name, [0, 0])
    print(name, "ran alongside:", last - first > 0.25)
