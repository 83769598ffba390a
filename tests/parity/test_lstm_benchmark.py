"""Smoke test of the lstm_benchmark lesson (not a timed test: only that it runs).

usage: test_lstm_benchmark.py DEMO_PROGRAM

Runs demo_lstm_benchmark --mode smoke (tiny sizes) in a temporary folder and
checks its table and its CSV: the header, one row per (language, threads,
size, batch, sequence length, way) of the smoke grid, positive times with
min <= median, the C++ rows and those of the notebook's Python code. Then
--no-python (C++ rows only), --cells-json, and bad flags (one error line,
exit status 2, nothing measured).
"""
import csv
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
from checks import check, finish

DEMO = os.path.abspath(sys.argv[1])
FIELDS = ["lang", "threads", "input_size", "hidden_size", "batch", "seq_len", "way", "runs",
          "median_ms", "min_ms"]
# The smoke grid of lstm_benchmark.ipynb / lstm_benchmark.cpp (cell 4).
SIZES, SEQ_LENS, THREADS, WAYS = [(3, 1), (8, 2)], [5, 10], [1, 2], ["stepwise", "batched"]


def run(args, cwd):
    return subprocess.run([DEMO] + args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=600)


def check_csv(path, langs, what):
    try:
        with open(path, newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            rows = list(reader)
    except (OSError, StopIteration) as e:
        check(what + ": readable", False, str(e))
        return
    check(what + ": header", header == FIELDS, "got %r" % header)
    expected = {(lang, t, s, b, n, w) for lang in langs for t in THREADS for s, b in SIZES
                for n in SEQ_LENS for w in WAYS}
    seen = set()
    problems = []
    for row in rows:
        if len(row) != len(FIELDS):
            problems.append("wrong field count: %r" % row)
            continue
        r = dict(zip(FIELDS, row))
        try:
            key = (r["lang"], int(r["threads"]), int(r["input_size"]), int(r["batch"]),
                   int(r["seq_len"]), r["way"])
            runs, median, fastest = int(r["runs"]), float(r["median_ms"]), float(r["min_ms"])
        except ValueError:
            problems.append("not a number: %r" % row)
            continue
        if key in seen:
            problems.append("duplicate row: %r" % row)
        seen.add(key)
        if r["hidden_size"] != r["input_size"]:
            problems.append("input_size != hidden_size: %r" % row)
        if not (1 <= runs <= 15 and 0 < fastest <= median):
            problems.append("implausible runs or times: %r" % row)
    check(what + ": %d well-formed rows" % len(rows), not problems, "\n".join(problems[:10]))
    check(what + ": one row per measurement of the smoke grid", seen == expected,
          "missing %s, unexpected %s" % (sorted(expected - seen)[:5], sorted(seen - expected)[:5]))


with tempfile.TemporaryDirectory() as tmp:
    # C++ and Python (the notebook's code run by /usr/bin/python3).
    proc = run(["--mode", "smoke", "--csv", "both.csv"], tmp)
    check("--mode smoke runs", proc.returncode == 0, proc.stderr)
    out = proc.stdout
    check("the machine is reported", "BLAS:" in out and "load average:" in out, out)
    if "openmp" not in out:
        print("note: the BLAS in use is not OpenBLAS's OpenMP build (install libopenblas0-openmp)")
    # 0.0 with torch 1.13 and 2.6; 2.14's kernels round differently (~7e-9)
    diff = re.search(r"max \|out_stepwise - out_batched\|: (\S+)", out)
    check("stepwise and batched agree", diff is not None and float(diff.group(1)) <= 1e-6, out)
    check("the table puts C++ and Python side by side",
          "| C++    stepwise ms  batched ms  speedup | Python stepwise ms  batched ms  speedup"
          in out, out)
    table = [l for l in out.splitlines() if l.count("|") == 2 and l.rstrip().endswith("x")]
    check("one table line per setting", len(table) == len(THREADS) * len(SIZES) * len(SEQ_LENS),
          out)
    check("reports the CSV", "wrote both.csv" in out, out)
    check_csv(os.path.join(tmp, "both.csv"), ["cpp", "python"], "C++ and Python CSV")

    # C++ only.
    proc = run(["--mode", "smoke", "--no-python", "--csv", "cpp.csv"], tmp)
    check("--no-python runs", proc.returncode == 0, proc.stderr)
    check("--no-python: no Python measurements",
          "Python stepwise" not in proc.stdout and "Python:" not in proc.stdout, proc.stdout)
    check_csv(os.path.join(tmp, "cpp.csv"), ["cpp"], "C++-only CSV")

    # --cells-json: six cells, the table in cell 6.
    proc = run(["--mode", "smoke", "--no-python", "--cells-json", "--csv", "json.csv"], tmp)
    try:
        data = json.loads(proc.stdout)
        cells = {c["index"]: c for c in data["cells"]}
        ok = data["total"] == 6 and sorted(cells) == list(range(1, 7)) and \
            "speedup" in cells[6]["stream"]
    except (ValueError, KeyError):
        ok = False
    check("--cells-json", proc.returncode == 0 and ok, proc.stdout[:500] + proc.stderr)

    # Bad input: one error line, exit status 2, before anything is measured.
    for args, what in [(["--mode", "huge"], "bad --mode"),
                       (["--quick", "--full"], "--quick with --full"),
                       (["--mode", "smoke", "--seed", "x"], "bad --seed"),
                       (["--mode", "smoke", "--csv", os.path.join(tmp, "no", "dir", "x.csv")],
                        "unwritable --csv"),
                       (["--mode", "smoke", "--python", os.path.join(tmp, "no-python")],
                        "missing --python"),
                       (["--mode", "smoke", "--notebook", os.path.join(tmp, "none.ipynb")],
                        "missing --notebook")]:
        proc = run(args, tmp)
        lines = proc.stderr.strip().splitlines()
        check(what + " is refused",
              proc.returncode == 2 and len(lines) == 1 and "error" in lines[0] and not proc.stdout,
              proc.stdout + proc.stderr)

sys.exit(finish())
