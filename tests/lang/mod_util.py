GREETING = "hello from mod_util"
NAME_AT_IMPORT = __name__
STATE = {"calls": 0}
helper_list = ["initial"]
def double(x):
    return 2 * x
def counter():
    STATE["calls"] += 1
    return STATE["calls"]
def uses_global():
    return GREETING.upper()
if __name__ == "__main__":
    print("mod_util run as main: never during import")
