#!/usr/bin/env python3
"""The native tier's observable contract (ctest `lang/native_contract`).

    check_native.py GILD

Checks, each named in the output (`ok CASE` / `FAIL CASE: why`):
  * `gild dis`: every code object's header line ("  locals ..., stack N") is
    followed by `  native: yes` or `  native: no (<reason>)`; the pure int
    functions of dis_cases.py are `yes`, the others `no (...)` with a reason;
  * GILD_NATIVE_STATS=1 prints `gild: native: E entered, D done, B bailed, L loop runs` on
    stderr at exit, with E == D + B (every native call either finishes or bails);
    fib(20) runs natively without bailing; an int64 overflow bails and still
    raises OverflowError like the interpreter; a float/bool/str argument falls
    back and gives python3's output; only ineligible functions: 0 entered;
  * `gild run --no-native` and GILD_NATIVE=0 switch the tier off (no stats line,
    or `0 entered`) and the program's output is identical with and without it,
    for these programs and for every tests/lang/native_*.py;
  * an uncaught OverflowError raised inside native-eligible code gives the same
    stdout, stderr (the whole traceback) and exit status with and without the tier;
  * deep recursion (up to gild's own limits, in a thread) gives the same output
    with and without the tier;
  * loop regions (the while loops of any function): `gild dis` prints
    `  native loops: LO-HI yes|no (<reason>), ...` after the `  native:` line of
    a code object with loops, and no such line for one without; a while loop
    mixing int code with side exits is `yes`, a for loop `no (...)`
    (native/loop_dis_cases.py); a mixed loop runs as a region (`L loop runs` >= 1
    in the stats line) with python3's and --no-native's output
    (native/loop_stats_mixed.py); float loop locals: any L, the same output
    (native/loop_stats_float.py).
Nothing here depends on timing. Exit status 0 = all passed, 1 = a failure.
"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LANG = os.path.dirname(HERE)
TIMEOUT = 60
STATS_RE = re.compile(r"^gild: native: (\d+) entered, (\d+) done, (\d+) bailed, \d+ loop runs$")
HEADER_RE = re.compile(r"^Disassembly of <code object (.*?), file ")
LOCALS_RE = re.compile(r"^  locals .*, stack \d+$")
NATIVE_RE = re.compile(r"^  native: (yes|no \((.+)\))$")
LOOP_RUNS_RE = re.compile(r"^gild: native: \d+ entered, \d+ done, \d+ bailed, (\d+) loop runs$")
LOOPS_LINE_RE = re.compile(r"^  native loops: (.*)$")
# one region of a `native loops:` line; a reason may itself hold ", " and parentheses
LOOP_ENTRY_RE = re.compile(r"(\d+)-(\d+) (yes(?: \(over a range\))?|no \((.+?)\))(?:, (?=\d+-\d+ )|$)")

DIS_YES = ["fib", "countdown", "gcd", "bits", "flow"]
DIS_NO = ["calls_print", "uses_float", "for_loop", "calls_other", "returns_bool",
          "returns_none", "uses_global", "uses_string", "uses_list", "true_div",
          "power", "has_star", "has_try", "wrong_arity"]
# has_default: the annotation is the code object's, and defaults belong to the
# function object; the contract ("no defaults used") is per call, so either
# verdict is accepted here (the results are checked against python3 below and
# in native_defaults_values.py).
DIS_ANY = ["has_default"]

failures = []


def fail(case, why):
    failures.append(case)
    print("FAIL %s: %s" % (case, why.rstrip("\n")))


def ok(case):
    print("ok %s" % case)


def env(**extra):
    e = dict(os.environ)
    for k in ("GILD_NATIVE", "GILD_NATIVE_STATS", "PYTHONSTARTUP"):
        e.pop(k, None)
    e["PYTHONHASHSEED"] = "0"
    e["PYTHONDONTWRITEBYTECODE"] = "1"
    e.update(extra)
    return e


class Result:
    def __init__(self, rc, out, err):
        self.rc, self.out, self.err = rc, out, err

    def stats(self):
        """(E, D, B) from the stats line, None if there is none; 'many' if several."""
        found = [STATS_RE.match(l) for l in self.err.split("\n")]
        found = [m for m in found if m]
        if not found:
            return None
        if len(found) > 1:
            return "many"
        return tuple(int(x) for x in found[0].groups())

    def loop_runs(self):
        """L from the stats line, None if there is no (single) stats line."""
        found = [m for m in (LOOP_RUNS_RE.match(l) for l in self.err.split("\n")) if m]
        return int(found[0].group(1)) if len(found) == 1 else None

    def err_without_stats(self):
        return "\n".join(l for l in self.err.split("\n") if not STATS_RE.match(l))

    def show(self):
        return "exit %r\n--- stdout:\n%s--- stderr:\n%s" % (self.rc, self.out[-2000:], self.err[-2000:])


def run(argv, cwd, **extra):
    try:
        p = subprocess.run(argv, cwd=cwd, env=env(**extra), stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return Result("timeout after %ds" % TIMEOUT, "", "")
    except OSError as e:
        return Result("cannot start (%s)" % e, "", "")
    return Result(p.returncode, p.stdout.decode("utf-8", "replace"),
                  p.stderr.decode("utf-8", "replace"))


def gild_run(gild, path, native=True, via_env=False, stats=True):
    cwd, name = os.path.split(path)
    argv = [gild, "run"]
    extra = {}
    if stats:
        extra["GILD_NATIVE_STATS"] = "1"
    if not native:
        if via_env:
            extra["GILD_NATIVE"] = "0"
        else:
            argv.append("--no-native")
    return run(argv + [name], cwd, **extra)


def py_run(path):
    cwd, name = os.path.split(path)
    return run([sys.executable, name], cwd)


def check_stats_line(case, r):
    """The tier is on: exactly one well-formed stats line, E == D + B. Returns (E, D, B) or None."""
    s = r.stats()
    if s is None:
        fail(case, "GILD_NATIVE_STATS=1 but no line 'gild: native: E entered, D done, B bailed' "
                   "on stderr\n" + r.show())
        return None
    if s == "many":
        fail(case, "more than one native stats line on stderr\n" + r.show())
        return None
    e, d, b = s
    if e != d + b:
        fail(case, "entered %d != done %d + bailed %d (every native call must either finish "
                   "or bail)" % (e, d, b))
        return None
    return s


def check_off(case, gild, path, on):
    """--no-native and GILD_NATIVE=0: no stats line or 0 entered; same output as with the tier."""
    good = True
    for label, via_env in (("--no-native", False), ("GILD_NATIVE=0", True)):
        r = gild_run(gild, path, native=False, via_env=via_env)
        s = r.stats()
        if s == "many":
            fail("%s [%s]" % (case, label), "more than one native stats line\n" + r.show())
            good = False
        elif s is not None and s[0] != 0:
            fail("%s [%s]" % (case, label), "the tier is off but the stats say %d entered "
                 "(expected 0 or no line)\n%s" % (s[0], r.show()))
            good = False
        if (r.rc, r.out) != (on.rc, on.out):
            fail("%s [%s]" % (case, label), "output differs with the tier off\n--- tier on: "
                 + on.show() + "\n--- tier off: " + r.show())
            good = False
    return good


def case_dis(gild):
    case = "dis annotations (native/dis_cases.py)"
    path = os.path.join(HERE, "dis_cases.py")
    r = run([gild, "dis", "dis_cases.py"], HERE)
    if r.rc != 0:
        fail(case, "gild dis failed\n" + r.show())
        return
    lines = r.out.split("\n")
    verdicts = {}
    seen = set()
    problems = []
    for i, line in enumerate(lines):
        m = HEADER_RE.match(line)
        if not m:
            continue
        name = m.group(1)
        seen.add(name)
        if i + 2 >= len(lines) or not LOCALS_RE.match(lines[i + 1]):
            problems.append("code object %s: no '  locals ..., stack N' line after its header" % name)
            continue
        nm = NATIVE_RE.match(lines[i + 2])
        if not nm:
            problems.append("code object %s: the line after '%s' is %r, expected '  native: yes' "
                            "or '  native: no (<reason>)'" % (name, lines[i + 1], lines[i + 2]))
            continue
        verdicts[name] = nm.group(1)
    for name in DIS_YES:
        v = verdicts.get(name)
        if name not in seen:
            problems.append("%s: no code object of that name in the dis output" % name)
        elif v is None:
            pass  # reported above
        elif v != "yes":
            problems.append("%s: expected 'native: yes', got 'native: %s'" % (name, v))
    for name in DIS_ANY:
        if name not in seen:
            problems.append("%s: no code object of that name in the dis output" % name)
    for name in DIS_NO:
        v = verdicts.get(name)
        if name not in seen:
            problems.append("%s: no code object of that name in the dis output" % name)
        elif v is None:
            pass  # reported above
        elif not v.startswith("no (") or v == "no ()":
            problems.append("%s: expected 'native: no (<reason>)', got 'native: %s'" % (name, v))
    if problems:
        fail(case, "\n  ".join([""] + problems))
    else:
        ok(case + ": " + ", ".join("%s=%s" % (n, verdicts[n]) for n in DIS_YES + DIS_NO + DIS_ANY if n in verdicts))
    # and the file runs the same with the tier, without it, and under python3
    on = gild_run(gild, path)
    ref = py_run(path)
    if (on.rc, on.out) != (ref.rc, ref.out):
        fail("dis_cases.py run", "gild and python3 differ\n--- python3: " + ref.show()
             + "\n--- gild: " + on.show())
    elif check_stats_line("dis_cases.py run", on) and check_off("dis_cases.py run", gild, path, on):
        ok("dis_cases.py run (= python3, = tier off)")


def case_fib(gild):
    case = "stats: fib(20) runs natively, no bail (native/stats_fib.py)"
    path = os.path.join(HERE, "stats_fib.py")
    r = gild_run(gild, path)
    if (r.rc, r.out) != (0, "6765\n"):
        fail(case, "expected exit 0 and '6765'\n" + r.show())
        return
    s = check_stats_line(case, r)
    if s is None:
        return
    e, d, b = s
    if e < 1 or d < 1 or b != 0:
        fail(case, "expected entered >= 1, done >= 1, bailed 0; got %d entered, %d done, "
                   "%d bailed" % (e, d, b))
        return
    if check_off(case, gild, path, r):
        ok(case + ": %d entered, %d done, %d bailed" % s)


def case_overflow(gild):
    case = "stats: int64 overflow bails and raises OverflowError (native/stats_overflow.py)"
    path = os.path.join(HERE, "stats_overflow.py")
    r = gild_run(gild, path)
    want = "2432902008176640000\nOverflowError\n3628800\n"
    if (r.rc, r.out) != (0, want):
        fail(case, "expected exit 0 and %r\n%s" % (want, r.show()))
        return
    s = check_stats_line(case, r)
    if s is None:
        return
    e, d, b = s
    if e < 1 or b < 1:
        fail(case, "expected entered >= 1 and bailed >= 1 (fact(25) overflows natively); got "
                   "%d entered, %d done, %d bailed" % (e, d, b))
        return
    if check_off(case, gild, path, r):
        ok(case + ": %d entered, %d done, %d bailed" % s)


def stats_like_python3(case, gild, name):
    """Runs native/NAME under gild (tier on, stats on) and python3: the outputs must agree.
    The (entered, done, bailed) counts, or None after a failure was reported."""
    path = os.path.join(HERE, name)
    r = gild_run(gild, path)
    ref = py_run(path)
    if (r.rc, r.out) != (ref.rc, ref.out):
        fail(case, "gild and python3 differ\n--- python3: " + ref.show() + "\n--- gild: " + r.show())
        return None
    s = check_stats_line(case, r)
    return (s, path, r) if s is not None else None


def case_float(gild):
    case = "float/bool/str arguments fall back (native/stats_float.py)"
    got = stats_like_python3(case, gild, "stats_float.py")
    if got is None:
        return
    s, path, r = got
    if s[0] < 1:
        fail(case, "expected entered >= 1 (fib(20) and twice(21) are int calls); got "
                   "%d entered, %d done, %d bailed" % s)
        return
    if check_off(case, gild, path, r):
        ok(case + ": %d entered, %d done, %d bailed" % s)


def case_ineligible(gild):
    case = "stats: only ineligible functions, 0 entered (native/stats_ineligible.py)"
    got = stats_like_python3(case, gild, "stats_ineligible.py")
    if got is None:
        return
    s = got[0]
    if s[0] != 0:
        fail(case, "expected 0 entered; got %d entered, %d done, %d bailed" % s)
        return
    ok(case)


def case_uncaught(gild):
    case = "uncaught OverflowError: same stdout, traceback, exit status (native_overflow_uncaught.py)"
    path = os.path.join(LANG, "native_overflow_uncaught.py")
    on = gild_run(gild, path, stats=False)
    off = gild_run(gild, path, native=False, stats=False)
    if (on.rc, on.out, on.err) != (off.rc, off.out, off.err):
        fail(case, "differs with the tier on\n--- tier off: " + off.show() + "\n--- tier on: " + on.show())
    elif on.rc != 1 or "OverflowError" not in on.err:
        fail(case, "expected exit 1 and an OverflowError\n" + on.show())
    else:
        ok(case)


def case_deep(gild):
    case = "deep recursion in a thread: tier on = tier off (native/deep_recursion.py)"
    path = os.path.join(HERE, "deep_recursion.py")
    on = gild_run(gild, path)
    s = check_stats_line(case, on)
    if s is None:
        return
    off = gild_run(gild, path, native=False)
    if (on.rc, on.out) != (off.rc, off.out) or on.err_without_stats() != off.err_without_stats():
        fail(case, "differs with the tier on\n--- tier off: " + off.show() + "\n--- tier on: " + on.show())
    elif on.rc != 0 or not on.out.startswith("5000 5000 5021\n"):
        fail(case, "expected exit 0 and '5000 5000 5021' first\n" + on.show())
    else:
        ok(case + ": %d entered, %d done, %d bailed" % s)


def case_lang_tests(gild):
    names = sorted(n for n in os.listdir(LANG) if n.startswith("native_") and n.endswith(".py"))
    if not names:
        fail("tests/lang/native_*.py", "no such tests found in " + LANG)
    for name in names:
        case = "tier on = tier off: " + name
        path = os.path.join(LANG, name)
        on = gild_run(gild, path)
        s = check_stats_line(case, on)
        if s is None:
            continue
        off = gild_run(gild, path, native=False)
        if (on.rc, on.out) != (off.rc, off.out):
            fail(case, "output differs\n--- tier off: " + off.show() + "\n--- tier on: " + on.show())
            continue
        if on.err_without_stats() != off.err_without_stats():
            fail(case, "stderr differs\n--- tier off: " + off.show() + "\n--- tier on: " + on.show())
            continue
        ok(case + " (%d entered, %d done, %d bailed)" % s)


def parse_loops(text):
    """The regions of a `native loops:` line's text: [(lo, hi, 'yes', 'yes (over a range)'
    or 'no (...)')],
    None when it does not parse as a whole."""
    out = []
    pos = 0
    while pos < len(text):
        m = LOOP_ENTRY_RE.match(text, pos)
        if not m:
            return None
        lo, hi = int(m.group(1)), int(m.group(2))
        if lo > hi:
            return None
        out.append((lo, hi, m.group(3)))
        pos = m.end()
    return out or None


def dis_blocks(out):
    """{code object name: the lines of its header block up to its first instruction}."""
    lines = out.split("\n")
    blocks = {}
    for i, line in enumerate(lines):
        m = HEADER_RE.match(line)
        if m:
            blocks[m.group(1)] = lines[i + 1:i + 4]
    return blocks


# name -> what its `native loops:` line must say: a list of verdicts, in order of
# the regions' lo ("yes" or "no"), or None: no such line at all
LOOP_DIS = {
    "mixed_loop": ["yes"],       # a global list's append and a print: side exits
    "str_local_loop": ["yes"],   # compiled; its str local refuses entry at run time
    "for_loop": ["yes"],         # FOR_ITER heads it: native when it iterates a range
    "while_in_for": ["yes", "yes"],
    "no_loop": None,
}


def case_loop_dis(gild):
    case = "dis: native loops lines (native/loop_dis_cases.py)"
    path = os.path.join(HERE, "loop_dis_cases.py")
    r = run([gild, "dis", "loop_dis_cases.py"], HERE)
    if r.rc != 0:
        fail(case, "gild dis failed\n" + r.show())
        return
    blocks = dis_blocks(r.out)
    problems = []
    got = {}
    for name, want in LOOP_DIS.items():
        b = blocks.get(name)
        if b is None:
            problems.append("%s: no code object of that name in the dis output" % name)
            continue
        if len(b) < 2 or not LOCALS_RE.match(b[0]) or not NATIVE_RE.match(b[1]):
            problems.append("%s: header block is not 'locals ...' then 'native: ...': %r" % (name, b))
            continue
        lm = LOOPS_LINE_RE.match(b[2]) if len(b) > 2 else None
        if want is None:
            if lm:
                problems.append("%s has no loop but dis prints %r" % (name, b[2]))
            continue
        if not lm:
            problems.append("%s: expected a '  native loops: ...' line after %r, got %r"
                            % (name, b[1], b[2] if len(b) > 2 else None))
            continue
        regions = parse_loops(lm.group(1))
        if regions is None:
            problems.append("%s: cannot parse %r as 'LO-HI yes|no (reason), ...'" % (name, b[2]))
            continue
        verdicts = [v.split(" ")[0] for _, _, v in sorted(regions)]
        got[name] = lm.group(1)
        if verdicts != want:
            problems.append("%s: expected regions %s (by lo), got %r" % (name, want, lm.group(1)))
        for lo, hi, v in regions:
            if v.startswith("no") and v == "no ()":
                problems.append("%s: region %d-%d is 'no' without a reason" % (name, lo, hi))
    for name, b in blocks.items():
        # every loops line anywhere in the file parses
        if len(b) > 2 and LOOPS_LINE_RE.match(b[2]) and parse_loops(LOOPS_LINE_RE.match(b[2]).group(1)) is None:
            problems.append("%s: cannot parse %r" % (name, b[2]))
    if problems:
        fail(case, "\n  ".join([""] + problems))
    else:
        ok(case + ": " + "; ".join("%s: %s" % (n, got[n]) for n in LOOP_DIS if n in got))
    on = gild_run(gild, path)
    ref = py_run(path)
    if (on.rc, on.out) != (ref.rc, ref.out):
        fail("loop_dis_cases.py run", "gild and python3 differ\n--- python3: " + ref.show()
             + "\n--- gild: " + on.show())
    elif check_stats_line("loop_dis_cases.py run", on) and check_off("loop_dis_cases.py run", gild, path, on):
        ok("loop_dis_cases.py run (= python3, = tier off)")


def case_loop_stats(gild, name, min_runs, what):
    case = "loop regions: %s (native/%s)" % (what, name)
    got = stats_like_python3(case, gild, name)
    if got is None:
        return
    s, path, r = got
    runs = r.loop_runs()
    if runs is None:
        fail(case, "no 'L loop runs' in the stats line\n" + r.show())
        return
    if runs < min_runs:
        fail(case, "expected at least %d loop run(s); got %d (%d entered, %d done, %d bailed)"
             % ((min_runs, runs) + s))
        return
    if check_off(case, gild, path, r):
        ok(case + ": %d loop runs" % runs)


def main(argv):
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    gild = os.path.abspath(argv[0])
    case_dis(gild)
    case_fib(gild)
    case_overflow(gild)
    case_float(gild)
    case_ineligible(gild)
    case_uncaught(gild)
    case_deep(gild)
    case_loop_dis(gild)
    case_loop_stats(gild, "loop_stats_mixed.py", 1, "a mixed while loop runs natively")
    case_loop_stats(gild, "loop_stats_float.py", 0, "float loop locals fall back")
    case_lang_tests(gild)
    if failures:
        print("%d check(s) failed: %s" % (len(failures), "; ".join(failures)))
        return 1
    print("all native-tier contract checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
