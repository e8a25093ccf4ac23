def parse(s):
    return int(s)
def main():
    print("before")
    parse("abc")
    print("never")
main()
