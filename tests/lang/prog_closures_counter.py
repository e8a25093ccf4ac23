def make_router():
    routes = {}
    def add(path, fn):
        routes[path] = fn
    def dispatch(path, *args):
        fn = routes.get(path)
        if fn is None:
            return 404, "not found"
        return 200, fn(*args)
    return add, dispatch
add, dispatch = make_router()
add("/hello", lambda: "Hello, World!")
add("/sum", lambda *xs: sum(xs))
hits = 0
def count():
    global hits
    hits += 1
    return hits
add("/count", count)
print(dispatch("/hello"), dispatch("/sum", 1, 2, 3), dispatch("/nope"))
print(dispatch("/count"), dispatch("/count"))
