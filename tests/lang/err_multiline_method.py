# A method chain over several lines: the failing attribute or call is named by the
# line where its expression starts.
words = ["a", "b", "c"]


def chain(ws):
    return (" ".join(ws)
            .upper()
            .split(" ")
            [7])


print(chain(words * 3))
chain(words)
