#!/usr/bin/python3
"""pyrepr against Python's repr, on the same tensors (./run bench).

In-process: bench_repr (Google Benchmark) against timeit in this Python, for
  a full print of a 1000x1000 float32 (profile "full"), the summarized print
  of the same tensor (default options), and one (1,1,3) tensor.
Whole processes: `ptcat [OPTIONS] FILE.pt` against
  `python3 -c 'print(torch.load(FILE))'` (the same print options), after
  checking that both print the same bytes: `ptcat --help`, a (1,1,3) tensor,
  a full 1000x1000, a summarized 400 MB tensor and a 1 GB state_dict of 256
  tensors (the files are written by torch.save at bench time), with each
  process's peak RSS.
Prints Markdown tables (the ones in README.md) with the ratios and the goals.
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

GNU_TIME = '/usr/bin/time'  # the Debian package time (./run bench installs it)

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


def run_measured(cmd):
    """Runs CMD (stdout discarded); returns (wall seconds, peak RSS in bytes).
    GNU time runs it and measures its peak RSS: a child forked from this
    Python (torch loaded) would count this process's memory as its own."""
    with tempfile.NamedTemporaryFile('r') as report:
        t0 = time.perf_counter()
        proc = subprocess.run([GNU_TIME, '-q', '-o', report.name, '-f', '%M'] + cmd,
                              stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - t0  # (GNU time's own %e has 10 ms steps)
        if proc.returncode != 0:
            sys.exit('compare_speed: %s exited with status %d' % (' '.join(cmd), proc.returncode))
        kib = report.read().split()[-1]
    return wall, int(kib) * 1024


def median_measured(cmd, runs):
    """The median wall time and the largest peak RSS of RUNS runs of CMD."""
    results = [run_measured(cmd) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


# Whole-process cases: (name, what torch.save writes, ptcat/Python print options, goal).
# Python's side is `python3 -c 'print(torch.load(FILE))'` under the same options.
def make_cases(large):
    torch.manual_seed(0)
    cases = [
        ('a (1,1,3) file', lambda: torch.randn(1, 1, 3), [], 100),
        ('a full 1000×1000', lambda: torch.randn(1000, 1000), ['--profile', 'full'], 30),
    ]
    if large:
        cases += [
            ('a summarized 400 MB tensor (10000×10000)', lambda: torch.randn(10000, 10000), [],
             100),
            ('a 1 GB state_dict of 256 tensors (1024×1024)',
             lambda: {'layer%d.weight' % i: torch.randn(1024, 1024) for i in range(256)}, [],
             100),
        ]
    return cases


PY_OPTIONS = {'--profile': 'profile'}


def whole_process(ptcat_exe, runs, large):
    """Rows (name, Python (s, RSS), ptcat (s, RSS), goal), ptcat --help first."""
    rows = [('`ptcat --help`', None, median_measured([ptcat_exe, '--help'], runs), None)]
    with tempfile.TemporaryDirectory() as tmp:
        for name, make, options, goal in make_cases(large):
            path = os.path.join(tmp, 'case.pt')
            torch.save(make(), path)
            kwargs = ', '.join('%s=%r' % (PY_OPTIONS[options[i]], options[i + 1])
                               for i in range(0, len(options), 2))
            py = [sys.executable, '-c',
                  'import sys, torch; torch.set_printoptions(%s); '
                  'print(torch.load(sys.argv[1]))' % kwargs, path]
            cpp = [ptcat_exe] + options + [path]
            # same bytes first: a benchmark of two different outputs would be void
            a = subprocess.run(py, capture_output=True, check=True).stdout
            b = subprocess.run(cpp, capture_output=True, check=True).stdout
            if a != b:
                sys.exit('compare_speed: ptcat and Python printed different bytes for ' + name)
            rows.append((name, median_measured(py, runs), median_measured(cpp, runs), goal))
            os.remove(path)
    return rows


def fmt_time(s):
    if s >= 1:
        return f'{s:.2f} s'
    if s >= 1e-3:
        return f'{s * 1e3:.1f} ms'
    return f'{s * 1e6:.1f} µs'


def fmt_mb(n):
    return '%.0f MB' % (n / 1e6)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument('--bin', required=True, help='the build\'s bin/ directory')
    ap.add_argument('--runs', type=int, default=3, help='whole-process runs (median)')
    ap.add_argument('--no-large', action='store_true',
                    help='skip the 400 MB and 1 GB files (they need ~2 GB in $TMPDIR)')
    args = ap.parse_args()
    py = python_in_process()
    cpp = cpp_in_process(os.path.join(args.bin, 'bench_repr'))
    processes = whole_process(os.path.join(args.bin, 'ptcat'), args.runs, not args.no_large)
    cpu = 'unknown CPU'
    try:
        for line in open('/proc/cpuinfo'):
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    except OSError:
        pass
    print(f'Machine: {cpu}, {os.cpu_count()} cores; torch {torch.__version__}; '
          f'Python {platform.python_version()}; load average {os.getloadavg()[0]:.1f}\n')
    print('In-process (Google Benchmark against timeit):\n')
    print('| case | Python | pyrepr | speed-up | goal |')
    print('|---|---:|---:|---:|---:|')
    rows = [('repr, full 1000×1000', py['full'], cpp['full'], 30),
            ('repr, summarized 1000×1000', py['summarized'], cpp['summarized'], 10),
            ('repr, one (1,1,3) tensor', py['tiny'], cpp['tiny'], 20)]
    for name, p, c, goal in rows:
        print(f'| {name} | {fmt_time(p)} | {fmt_time(c)} | {p / c:.0f}× | ≥ {goal}× |')
    print('\nWhole processes (`python3 -c \'print(torch.load(FILE))\'` against `ptcat FILE`, '
          f'median of {args.runs}; peak RSS):\n')
    print('| case | Python | ptcat | speed-up | goal | Python RSS | ptcat RSS |')
    print('|---|---:|---:|---:|---:|---:|---:|')
    for name, p, c, goal in processes:
        if p is None:
            print(f'| {name} | — | {fmt_time(c[0])} | — | ≤ 20 ms | — | {fmt_mb(c[1])} |')
        else:
            rss_goal = ' (goal ≤ 32 MB)' if 'MB' in name or 'GB' in name else ''
            print(f'| {name} | {fmt_time(p[0])} | {fmt_time(c[0])} | {p[0] / c[0]:.0f}× | '
                  f'≥ {goal}× | {fmt_mb(p[1])} | {fmt_mb(c[1])}{rss_goal} |')


if __name__ == '__main__':
    main()
