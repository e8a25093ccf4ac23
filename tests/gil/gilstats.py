"""What the countdown tests share: the `--gil-stats` line of a `gild run`, and the
count that keeps the countdown on the GIL for a given time whatever the build's speed
(the native tier runs the loop many times faster than the interpreter, sanitizers many
times slower). Not a test itself."""
import json


def gil_stats(stderr):
    """The --gil-stats line: the last stderr line that is a JSON object with gil_switches."""
    for line in reversed(stderr.splitlines()):
        if line.startswith("{"):
            try:
                d = json.loads(line)
            except ValueError:
                continue
            if "gil_switches" in d:
                return d
    return None


def count_for(stats, calibrate_count, work_s, max_count):
    """The count holding the GIL about work_s seconds, from the --gil-stats of a run of
    countdown_1thread.py with calibrate_count (ten times it if that run said nothing)."""
    held = (stats or {}).get("gil_held_s") or 0
    if held <= 0:
        return calibrate_count * 10
    return int(min(max_count, max(calibrate_count, calibrate_count * work_s / held)))
