#!/usr/bin/python3
"""pyrepr against Python's repr, on the same tensors (./run bench).

In-process: bench_repr (Google Benchmark) against timeit in this Python, for
  a full print of a 1000x1000 float32 (profile "full"), the summarized print
  of the same tensor (default options), and one (1,1,3) tensor.
Whole process: `ptcat --profile full FILE.pt` against
  `python3 -c 'print(torch.load(FILE))'` (same options) on a 1e6-element file.
Prints a Markdown table (the one in README.md) with the ratios and the goals.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import timeit

import torch


def python_in_process():
    torch.manual_seed(0)
    big = torch.randn(1000, 1000)
    tiny = torch.randn(1, 1, 3)
    out = {}
    torch.set_printoptions(profile='full')
    out['full'] = min(timeit.repeat(lambda: repr(big), number=1, repeat=3))
    torch.set_printoptions(profile='default')
    out['summarized'] = min(timeit.repeat(lambda: repr(big), number=200, repeat=3)) / 200
    out['tiny'] = min(timeit.repeat(lambda: repr(tiny), number=2000, repeat=3)) / 2000
    return out


def cpp_in_process(bench_exe):
    r = subprocess.run([bench_exe, '--benchmark_format=json'], capture_output=True, text=True,
                       check=True)
    data = json.loads(r.stdout)
    scale = {'ns': 1e-9, 'us': 1e-6, 'ms': 1e-3, 's': 1.0}
    times = {}
    for b in data['benchmarks']:
        t = b['real_time'] * scale[b['time_unit']]
        for key in ('full', 'summarized', 'tiny'):
            if key in b['name']:
                times[key] = t
    return times


def median_wall(cmd, runs, env=None):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True, env=env)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def whole_process(ptcat_exe, runs):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'big.pt')
        torch.manual_seed(0)
        torch.save(torch.randn(1000, 1000), path)
        py = [sys.executable, '-c',
              'import sys, torch; torch.set_printoptions(profile="full"); '
              'print(torch.load(sys.argv[1]))', path]
        cpp = [ptcat_exe, '--profile', 'full', path]
        # same bytes first: a benchmark of two different outputs would be void
        a = subprocess.run(py, capture_output=True, check=True).stdout
        b = subprocess.run(cpp, capture_output=True, check=True).stdout
        if a != b:
            sys.exit('compare_speed: ptcat and Python printed different bytes')
        return median_wall(py, runs), median_wall(cpp, runs)


def fmt_time(s):
    if s >= 1:
        return f'{s:.2f} s'
    if s >= 1e-3:
        return f'{s * 1e3:.1f} ms'
    return f'{s * 1e6:.1f} µs'


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument('--bin', required=True, help='the build\'s bin/ directory')
    ap.add_argument('--runs', type=int, default=3, help='whole-process runs (median)')
    args = ap.parse_args()
    py = python_in_process()
    cpp = cpp_in_process(os.path.join(args.bin, 'bench_repr'))
    py_proc, cpp_proc = whole_process(os.path.join(args.bin, 'ptcat'), args.runs)
    cpu = 'unknown CPU'
    try:
        for line in open('/proc/cpuinfo'):
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    except OSError:
        pass
    print(f'Machine: {cpu}, {os.cpu_count()} cores; torch {torch.__version__}; '
          f'Python {platform.python_version()}\n')
    print('| case | Python | pyrepr | speed-up | goal |')
    print('|---|---:|---:|---:|---:|')
    rows = [('repr, full 1000×1000 (in-process)', py['full'], cpp['full'], 30),
            ('repr, summarized 1000×1000 (in-process)', py['summarized'], cpp['summarized'], 10),
            ('repr, one (1,1,3) tensor (in-process)', py['tiny'], cpp['tiny'], 20),
            ('print(torch.load(f)) vs ptcat, 1e6 elements, whole process', py_proc, cpp_proc, 10)]
    for name, p, c, goal in rows:
        print(f'| {name} | {fmt_time(p)} | {fmt_time(c)} | {p / c:.0f}× | ≥ {goal}× |')


if __name__ == '__main__':
    main()
