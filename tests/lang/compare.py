#!/usr/bin/env python3
"""Runs one handler-language test under gild and checks it against CPython.

    compare.py GILD TEST.py                 # differential test (tests/lang/*.py)
    compare.py --gild-only GILD TEST.py     # refusal test (tests/lang/unsupported/*.py)
    compare.py --python-only TEST.py        # sanity check: the test itself runs on python3
    compare.py --suite GILD [DIR]           # every test of DIR (default: this directory),
                                            # then pass/fail counts per area (name prefix)

Differential test: `GILD run TEST.py` and `python3 TEST.py` run in the test's directory
(10 s timeout each, PYTHONHASHSEED=0, PYTHONDONTWRITEBYTECODE=1). Required:
  * byte-identical stdout,
  * the same exit status,
  * when either stderr is non-empty, the same last line of stderr (the exception line),
  * when python3 printed a traceback, gild's traceback has the same frames: the
    `  File "NAME", line N, in FUNC` lines, compared with NAME reduced to its basename
    (CPython 3.11 prints the absolute path of the main script). Source lines and
    `^^^^` markers are not compared.

Conventions read from the test's directory:
  * NAME.expected        used as the expected stdout instead of running python3
                         (for the documented differences, e.g. 64-bit int overflow);
  * NAME.expected_exit   the expected exit status (default 0) when NAME.expected exists;
  * NAME.expected_stderr a prefix of the expected last line of stderr when NAME.expected
                         exists, e.g. `OverflowError` (exact wording is then the VM's);
                         without it, stderr is not checked when NAME.expected exists;
  * a line `# args: A B C` among the first 5 lines passes A B C as arguments to both.

Refusal test (--gild-only): the first lines of the file are
    # expect: SyntaxError: class definitions are not supported
    # at: LINE:COL
gild must exit with status 1, print nothing on stdout, and its stderr must contain
`NAME.py:LINE:COL` and the expected text.

Exit status 0 = pass, 1 = fail (a diff or an explanation is printed), 2 = usage error.
Only the Python standard library is used.
"""
import difflib
import os
import re
import subprocess
import sys

TIMEOUT = 10
FRAME_RE = re.compile(r'^  File "([^"]*)", line (\d+), in (.*)$')


def env():
    e = dict(os.environ)
    e["PYTHONHASHSEED"] = "0"
    e["PYTHONDONTWRITEBYTECODE"] = "1"
    e.pop("PYTHONSTARTUP", None)
    return e


def run(argv, cwd):
    """Returns (exit status, stdout bytes, stderr bytes); status 'timeout' on timeout."""
    try:
        p = subprocess.run(argv, cwd=cwd, env=env(), stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=TIMEOUT)
    except subprocess.TimeoutExpired as e:
        return "timeout", e.stdout or b"", e.stderr or b""
    except OSError as e:
        return "cannot start (%s)" % e, b"", b""
    return p.returncode, p.stdout, p.stderr


def test_args(path):
    with open(path, encoding="utf-8") as f:
        for _, line in zip(range(5), f):
            if line.startswith("# args:"):
                return line[len("# args:"):].split()
    return []


def last_line(b):
    lines = b.decode("utf-8", "replace").rstrip("\n").split("\n")
    return lines[-1] if lines else ""


def frames(b):
    out = []
    for line in b.decode("utf-8", "replace").split("\n"):
        m = FRAME_RE.match(line)
        if m:
            out.append('  File "%s", line %s, in %s' % (os.path.basename(m.group(1)),
                                                      m.group(2), m.group(3)))
    return out


def read(path):
    with open(path, "rb") as f:
        return f.read()


def diff(a, b, name_a, name_b):
    al = a.decode("utf-8", "replace").splitlines(keepends=True)
    bl = b.decode("utf-8", "replace").splitlines(keepends=True)
    d = "".join(difflib.unified_diff(al, bl, name_a, name_b))
    if not d and a != b:
        d = "(differ only in bytes/newlines)\n  %s: %r\n  %s: %r\n" % (name_a, a[-200:], name_b, b[-200:])
    return d


def show_stderr(label, err):
    if err:
        text = err.decode("utf-8", "replace")
        if len(text) > 3000:
            text = text[:1500] + "\n[...]\n" + text[-1500:]
        print("--- %s stderr:\n%s" % (label, text.rstrip("\n")))


def compare(gild, test):
    test = os.path.abspath(test)
    cwd, name = os.path.split(test)
    base = name[:-3] if name.endswith(".py") else name
    args = test_args(test)
    g_rc, g_out, g_err = run([gild, "run", name] + args, cwd)

    exp = os.path.join(cwd, base + ".expected")
    if os.path.exists(exp):
        p_out = read(exp)
        p_rc = 0
        if os.path.exists(os.path.join(cwd, base + ".expected_exit")):
            p_rc = int(read(os.path.join(cwd, base + ".expected_exit")).strip())
        es = os.path.join(cwd, base + ".expected_stderr")
        p_err = read(es).strip() if os.path.exists(es) else None
        ref = "expected"
    else:
        p_rc, p_out, p_err = run([sys.executable, name] + args, cwd)
        ref = "python3"

    problems = []
    if g_out != p_out:
        problems.append("stdout differs:\n" + diff(p_out, g_out, ref, "gild"))
    if g_rc != p_rc:
        problems.append("exit status differs: %s %s, gild %s" % (ref, p_rc, g_rc))
    if p_err is not None and (g_err or p_err):
        if ref == "expected":
            if not last_line(g_err).startswith(last_line(p_err)):
                problems.append("last line of stderr does not start with %r:\n  gild: %r"
                                % (last_line(p_err), last_line(g_err)))
        elif last_line(g_err) != last_line(p_err):
            problems.append("last line of stderr differs:\n  %s: %r\n  gild:    %r"
                            % (ref, last_line(p_err), last_line(g_err)))
        if ref == "python3" and b"Traceback (most recent call last):" in p_err:
            pf, gf = frames(p_err), frames(g_err)
            if b"Traceback (most recent call last):" not in g_err:
                problems.append("gild printed no 'Traceback (most recent call last):' header")
            elif pf != gf:
                problems.append("traceback frames differ:\n" + diff(
                    "\n".join(pf).encode() + b"\n", "\n".join(gf).encode() + b"\n", ref, "gild"))
    if problems:
        print("FAIL %s" % name)
        for p in problems:
            print(p.rstrip("\n"))
        show_stderr("gild", g_err)
        if ref == "python3":
            show_stderr("python3", p_err)
        return 1
    print("ok %s" % name)
    return 0


def refusal(gild, test):
    test = os.path.abspath(test)
    cwd, name = os.path.split(test)
    expect = at = None
    with open(test, encoding="utf-8") as f:
        for _, line in zip(range(5), f):
            if line.startswith("# expect:"):
                expect = line[len("# expect:"):].strip()
            elif line.startswith("# at:"):
                at = line[len("# at:"):].strip()
    if not expect or not at:
        print("FAIL %s: needs '# expect: ...' and '# at: LINE:COL' header lines" % name)
        return 1
    rc, out, err = run([gild, "run", name], cwd)
    text = err.decode("utf-8", "replace")
    problems = []
    if rc != 1:
        problems.append("exit status %s, expected 1" % rc)
    if out:
        problems.append("stdout not empty (the program must not run): %r" % out[:300])
    where = "%s:%s" % (name, at)
    if where not in text:
        problems.append("stderr lacks the location %r" % where)
    if expect not in text:
        problems.append("stderr lacks %r" % expect)
    if problems:
        print("FAIL %s" % name)
        for p in problems:
            print("  " + p)
        show_stderr("gild", err)
        return 1
    print("ok %s" % name)
    return 0


def python_only(test):
    test = os.path.abspath(test)
    cwd, name = os.path.split(test)
    rc, out, err = run([sys.executable, name] + test_args(test), cwd)
    base = os.path.join(cwd, name[:-3])
    if os.path.exists(base + ".expected"):
        print("skip %s (has .expected)" % name)
        return 0
    rc2, out2, err2 = run([sys.executable, name] + test_args(test), cwd)
    if (rc, out, last_line(err)) != (rc2, out2, last_line(err2)):
        print("FAIL %s: not deterministic under python3" % name)
        return 1
    print("ok %s (exit %s)" % (name, rc))
    return 0


def suite(gild, d):
    """Runs every test of d (and d/unsupported), two at a time; prints failures and a summary."""
    import concurrent.futures
    tests = sorted(os.path.join(d, n) for n in os.listdir(d)
                   if n.endswith(".py") and n != "compare.py" and not n.startswith("mod_"))
    udir = os.path.join(d, "unsupported")
    refused = sorted(os.path.join(udir, n) for n in os.listdir(udir)
                     if n.endswith(".py")) if os.path.isdir(udir) else []

    def one(job):
        # a child process per test: output stays whole, whatever runs beside it
        kind, path = job
        argv = [sys.executable, os.path.abspath(__file__)]
        argv += (["--gild-only", gild, path] if kind == "u" else [gild, path])
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        return job, p.returncode, p.stdout.decode("utf-8", "replace")

    jobs = [("t", t) for t in tests] + [("u", t) for t in refused]
    areas = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
        for (kind, path), rc, out in ex.map(one, jobs):
            name = os.path.basename(path)
            area = "unsupported" if kind == "u" else name.split("_")[0]
            ok, bad = areas.get(area, (0, 0))
            areas[area] = (ok + (rc == 0), bad + (rc != 0))
            if rc:
                print(out.rstrip("\n"))
    print("%-12s %5s %5s" % ("area", "pass", "fail"))
    for area in sorted(areas):
        print("%-12s %5d %5d" % (area, areas[area][0], areas[area][1]))
    tp = sum(a[0] for a in areas.values())
    tf = sum(a[1] for a in areas.values())
    print("%-12s %5d %5d" % ("total", tp, tf))
    return 1 if tf else 0


def main(argv):
    if len(argv) in (2, 3) and argv[0] == "--suite":
        return suite(argv[1], argv[2] if len(argv) == 3 else os.path.dirname(os.path.abspath(__file__)))
    if len(argv) == 3 and argv[0] == "--gild-only":
        return refusal(argv[1], argv[2])
    if len(argv) == 2 and argv[0] == "--python-only":
        return python_only(argv[1])
    if len(argv) == 2 and not argv[0].startswith("-"):
        return compare(argv[0], argv[1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
