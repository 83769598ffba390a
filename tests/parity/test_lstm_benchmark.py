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
import subprocess
import sys
import tempfile

DEMO = os.path.abspath(sys.argv[1])
FIELDS = ["lang", "threads", "input_size", "hidden_size", "batch", "seq_len", "way", "runs",
          "median_ms", "min_ms"]
# The smoke grid of lstm_benchmark.ipynb / lstm_benchmark.cpp (cell 4).
SIZES, SEQ_LENS, THREADS, WAYS = [(3, 1), (8, 2)], [5, 10], [1, 2], ["stepwise", "batched"]
failures = []


def check(ok, what, detail=""):
    print("%s: %s" % ("ok" if ok else "FAILED", what))
    if not ok:
        failures.append(what)
        if detail:
            print(detail)


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
        check(False, what + ": readable", str(e))
        return
    check(header == FIELDS, what + ": header", "got %r" % header)
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
    check(not problems, what + ": %d well-formed rows" % len(rows), "\n".join(problems[:10]))
    check(seen == expected, what + ": one row per measurement of the smoke grid",
          "missing %s, unexpected %s" % (sorted(expected - seen)[:5], sorted(seen - expected)[:5]))


with tempfile.TemporaryDirectory() as tmp:
    # C++ and Python (the notebook's code run by /usr/bin/python3).
    proc = run(["--mode", "smoke", "--csv", "both.csv"], tmp)
    check(proc.returncode == 0, "--mode smoke runs", proc.stderr)
    out = proc.stdout
    check("BLAS:" in out and "load average:" in out, "the machine is reported", out)
    if "openmp" not in out:
        print("note: the BLAS in use is not OpenBLAS's OpenMP build (install libopenblas0-openmp)")
    check("max |out_stepwise - out_batched|: 0.0" in out, "stepwise and batched agree", out)
    check("| C++    stepwise ms  batched ms  speedup | Python stepwise ms  batched ms  speedup"
          in out, "the table puts C++ and Python side by side", out)
    table = [l for l in out.splitlines() if l.count("|") == 2 and l.rstrip().endswith("x")]
    check(len(table) == len(THREADS) * len(SIZES) * len(SEQ_LENS), "one table line per setting",
          out)
    check("wrote both.csv" in out, "reports the CSV", out)
    check_csv(os.path.join(tmp, "both.csv"), ["cpp", "python"], "C++ and Python CSV")

    # C++ only.
    proc = run(["--mode", "smoke", "--no-python", "--csv", "cpp.csv"], tmp)
    check(proc.returncode == 0, "--no-python runs", proc.stderr)
    check("Python stepwise" not in proc.stdout and "Python:" not in proc.stdout,
          "--no-python: no Python measurements", proc.stdout)
    check_csv(os.path.join(tmp, "cpp.csv"), ["cpp"], "C++-only CSV")

    # --cells-json: six cells, the table in cell 6.
    proc = run(["--mode", "smoke", "--no-python", "--cells-json", "--csv", "json.csv"], tmp)
    try:
        data = json.loads(proc.stdout)
        cells = {c["index"]: c for c in data["cells"]}
        ok = data["total"] == 6 and sorted(cells) == list(range(1, 7)) and \
            "speedup" in cells[6]["stream"]
    except (ValueError, KeyError) as e:
        ok = False
    check(proc.returncode == 0 and ok, "--cells-json", proc.stdout[:500] + proc.stderr)

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
        check(proc.returncode == 2 and len(lines) == 1 and "error" in lines[0] and
              not proc.stdout, what + " is refused", proc.stdout + proc.stderr)

if failures:
    print("%d check(s) failed" % len(failures))
    sys.exit(1)
print("all checks passed")
