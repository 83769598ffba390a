#!/usr/bin/python3
"""ptcat on big checkpoints (./run bench --only checkpoints), whole processes:

  --list of a 10 GB sharded safetensors checkpoint (4 shards, sparse on disk:
    each shard's header is written, its data left as a hole), against Python
    reading the same metadata (safetensors' safe_open where installed, else
    the headers by the format's specification). Goals: <= 50 ms, <= 32 MB RSS.
  --stats of a 4 GB torch.save file (one float32 tensor of 2^30 values),
    against reading the file once (cat FILE > /dev/null, from the page cache)
    and against Python computing the same in float64 after torch.load.
    Goals: within 2x of reading, >= 5x faster than Python.
  diff of two 1 GB state_dicts (256 tensors of 1024x1024 float32, B = A plus
    noise in a few), against reading both once and against Python running
    torch.testing.assert_close on each pair. Goal: within 2x of reading.

The files are written at bench time (in --dir, default a temp dir; about 6 GB
of disk, and up to 6 GB of memory for Python). Before timing, ptcat's
figures are checked against Python's. Prints a Markdown table (README.md,
"ptcat for checkpoints").
"""
import argparse
import json
import os
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time

GNU_TIME = "/usr/bin/time"


def measured(cmd, runs, stdout=subprocess.DEVNULL):
    """Median wall seconds and peak RSS (bytes) of RUNS runs of CMD."""
    walls, rss = [], []
    for _ in range(runs):
        with tempfile.NamedTemporaryFile("r") as report:
            t0 = time.perf_counter()
            proc = subprocess.run([GNU_TIME, "-q", "-o", report.name, "-f", "%M"] + cmd,
                                  stdout=stdout, stderr=subprocess.PIPE)
            walls.append(time.perf_counter() - t0)
            if proc.returncode not in (0, 1):
                sys.exit("bench: %s failed (%d): %s" % (cmd, proc.returncode,
                                                        proc.stderr.decode()[-500:]))
            rss.append(int(report.read().split()[-1]) * 1024)
    return statistics.median(walls), max(rss)


def read_once(paths, runs):
    return measured(["sh", "-c", 'cat "$@" > /dev/null', "cat"] + paths, runs)[0]


def python(code, *args):
    """Wall seconds and peak RSS of one Python process running CODE."""
    return measured([sys.executable, "-c", code] + list(args), 1)


def sharded(folder, shards=4, shard_bytes=2_500_000_000, tensors=50):
    os.makedirs(folder, exist_ok=True)
    weight_map = {}
    per = shard_bytes // tensors // 4  # float32 values per tensor
    for s in range(shards):
        name = "model-%05d-of-%05d.safetensors" % (s + 1, shards)
        header, at = {"__metadata__": {"format": "pt"}}, 0
        for t in range(tensors):
            key = "layers.%d.block%d.weight" % (s, t)
            header[key] = {"dtype": "F32", "shape": [per], "data_offsets": [at, at + per * 4]}
            at += per * 4
            weight_map[key] = name
        text = json.dumps(header).encode()
        path = os.path.join(folder, name)
        with open(path, "wb") as f:
            f.write(struct.pack("<Q", len(text)) + text)
        os.truncate(path, 8 + len(text) + at)  # the data: a hole
    index = os.path.join(folder, "model.safetensors.index.json")
    json.dump({"metadata": {"total_size": shards * shard_bytes}, "weight_map": weight_map},
              open(index, "w"))
    return index, len(weight_map)


PY_LIST = r"""
import json, os, struct, sys
index = sys.argv[1]
folder = os.path.dirname(index)
shards = sorted(set(json.load(open(index))["weight_map"].values()))
rows = []
try:
    from safetensors import safe_open
    for s in shards:
        with safe_open(os.path.join(folder, s), framework="pt") as f:
            for k in f.keys():
                sl = f.get_slice(k)
                rows.append((k, sl.get_dtype(), sl.get_shape()))
except ImportError:
    for s in shards:
        with open(os.path.join(folder, s), "rb") as f:
            n = struct.unpack("<Q", f.read(8))[0]
            h = json.loads(f.read(n))
        rows += [(k, v["dtype"], v["shape"]) for k, v in sorted(h.items()) if k != "__metadata__"]
print(len(rows))
"""

# (in float64 a piece at a time, merging the pieces' means and squared
# deviations, so that a 4 GB tensor does not take 30 GB)
PY_STATS = r"""
import math, sys, torch
obj = torch.load(sys.argv[1])
for k, t in obj.items():
    n, mean, m2, sumsq = 0, 0.0, 0.0, 0.0
    lo, hi, nan, inf, zero = math.inf, -math.inf, 0, 0, 0
    for c in t.reshape(-1).split(1 << 26):
        d = c.double()
        cn, cmean = d.numel(), d.mean().item()
        cm2 = ((d - cmean) ** 2).sum().item()
        delta, total = cmean - mean, n + cn
        mean += delta * cn / total
        m2 += cm2 + delta * delta * n * cn / total
        n = total
        sumsq += (d * d).sum().item()
        lo, hi = min(lo, d.min().item()), max(hi, d.max().item())
        nan += int(torch.isnan(d).sum())
        inf += int(torch.isinf(d).sum())
        zero += int((d == 0).sum())
    print(k, lo, hi, mean, math.sqrt(m2 / (n - 1)), math.sqrt(sumsq), nan, inf, zero)
"""

PY_DIFF = r"""
import sys, torch
a, b = torch.load(sys.argv[1]), torch.load(sys.argv[2])
bad = 0
for k in a:
    try:
        torch.testing.assert_close(a[k], b[k])
    except AssertionError:
        bad += 1
print(bad)
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ptcat", required=True)
    ap.add_argument("--dir", help="where to write the files (default: a temp dir)")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    import torch
    base = args.dir or tempfile.mkdtemp(prefix="ptcat_bench_")
    rows = []
    try:
        # --list of 10 GB, sharded and sparse
        index, count = sharded(os.path.join(base, "sharded"))
        out = subprocess.run([args.ptcat, "--list", index], capture_output=True, text=True)
        if not out.stdout.splitlines()[-1].startswith("%d tensors" % count):
            sys.exit("bench: ptcat --list gave %r" % out.stdout[-200:])
        t, rss = measured([args.ptcat, "--list", index], 5)
        py_t, py_rss = python(PY_LIST, index)
        rows.append(("`--list`, 10 GB sharded safetensors (4 shards, %d tensors)" % count,
                     "—", t, "≤ 50 ms", py_t, "—", rss, "≤ 32 MB", py_rss))

        # --stats of 4 GB
        big = os.path.join(base, "big4g.pt")
        torch.manual_seed(0)
        w = torch.randn(1 << 30)
        w[::1000003] = 0
        torch.save({"w": w}, big)
        del w
        st = subprocess.run([args.ptcat, "--stats", "--json", big], capture_output=True, text=True)
        mine = json.loads(st.stdout)["files"][0]["tensors"][0]
        cat_t = read_once([big], args.runs)
        t, rss = measured([args.ptcat, "--stats", big], args.runs)
        py = subprocess.run([sys.executable, "-c", PY_STATS, big], capture_output=True, text=True)
        theirs = py.stdout.split()
        same = all(abs(mine[k] - float(theirs[i])) <= 1e-9 * max(1.0, abs(mine[k])) for i, k in
                   enumerate(("min", "max", "mean", "std", "norm"), 1))
        if not same or int(theirs[8]) != mine["zero"]:
            sys.exit("bench: --stats differs from Python: %s vs %s" % (mine, theirs))
        py_t, py_rss = python(PY_STATS, big)
        rows.append(("`--stats`, a 4 GB file (2^30 float32)", cat_t, t, "≤ 2× reading", py_t,
                     "≥ 5×", rss, "—", py_rss))
        os.remove(big)

        # diff of two 1 GB state_dicts
        a_path, b_path = os.path.join(base, "a1g.pt"), os.path.join(base, "b1g.pt")
        sd = {"layer%03d.weight" % k: torch.randn(1024, 1024) for k in range(256)}
        torch.save(sd, a_path)
        for k in list(sd)[::50]:
            sd[k] = sd[k] + 1e-3
        torch.save(sd, b_path)
        del sd
        out = subprocess.run([args.ptcat, "diff", a_path, b_path], capture_output=True, text=True)
        py = subprocess.run([sys.executable, "-c", PY_DIFF, a_path, b_path], capture_output=True,
                            text=True)
        if out.returncode != 1 or "6 different" not in out.stdout or py.stdout.strip() != "6":
            sys.exit("bench: diff disagrees with assert_close: %r %r" % (out.stdout[-300:],
                                                                         py.stdout))
        cat_t = read_once([a_path, b_path], args.runs)
        t, rss = measured([args.ptcat, "diff", a_path, b_path], args.runs)
        py_t, py_rss = python(PY_DIFF, a_path, b_path)
        rows.append(("`diff` of two 1 GB state_dicts (256 tensors each)", cat_t, t,
                     "≤ 2× reading", py_t, "—", rss, "—", py_rss))
    finally:
        if not args.dir:
            shutil.rmtree(base, ignore_errors=True)

    def ms(s):
        return "—" if isinstance(s, str) else ("%.0f ms" % (s * 1e3) if s < 10 else "%.1f s" % s)

    print("| case | reading the files | ptcat | ÷ reading | goal | Python | ptcat's speed-up "
          "| goal | ptcat RSS | goal | Python RSS |")
    print("|---|---:|---:|---:|---|---:|---:|---|---:|---|---:|")
    for name, read, t, goal, py_t, py_goal, rss, rss_goal, py_rss in rows:
        ratio = "—" if isinstance(read, str) else "%.2f×" % (t / read)
        print("| %s | %s | %s | %s | %s | %s | %.0f× | %s | %d MB | %s | %d MB |" % (
            name, ms(read), ms(t), ratio, goal, ms(py_t), py_t / t, py_goal, rss >> 20, rss_goal,
            py_rss >> 20))


if __name__ == "__main__":
    main()
