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
CRF (the lesson bilstm_crf, whole processes, best of 3): the page's Python
  ("Advanced: Making Dynamic Decisions and the Bi-LSTM CRF": the code cells of
  notebooks_port/bilstm_crf/bilstm_crf.ipynb run as one script, which prints
  what the page's advanced_tutorial.py prints; --crf-page FILE times FILE
  instead) against demo_bilstm_crf (goal 3x) and demo_bilstm_crf --vectorized
  (goal 20x), after checking that they print the same bytes; with, for
  reference, the notebook with VECTORIZED = True, the port running the page's
  graph node by node (--op-by-op) and the port's floor (--epochs 0: loading
  LibTorch and the two decodings). --crf-chart FILE.svg also draws that table
  as bars, with the 3x and 20x goals as lines (gnuplot).
Prints Markdown tables (the ones in README.md) with the ratios and the goals.
`--only crf` runs only the CRF table (about a minute); `--only repr` only the others;
`--only checkpoints` only bench_checkpoints.py (ptcat --list, --stats and diff on
big checkpoints, also run last by default unless --no-large).
"""
import argparse
import collections
import json
import os
import platform
import random
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


def state_dict(n):
    return collections.OrderedDict(('layer%d.bias' % i, torch.ones(1)) for i in range(n))


def small_ints(n):
    rng = random.Random(5)
    return [rng.randrange(65536) for _ in range(n)]


# Whole-process cases: (name, what torch.save writes, ptcat/Python print options, goal).
# Python's side is `python3 -c 'print(torch.load(FILE))'` under the same options.
def make_cases(large):
    torch.manual_seed(0)
    cases = [
        ('a (1,1,3) file', lambda: torch.randn(1, 1, 3), [], 100),
        ('a full 1000×1000', lambda: torch.randn(1000, 1000), ['--profile', 'full'], 30),
        # a record per tensor: lookups must not grow with the number of records
        ('a state_dict of 20,000 one-element tensors', lambda: state_dict(20000), [], 10),
        ('a state_dict of 65,530 one-element tensors (65,5xx zip entries)',
         lambda: state_dict(65530), [], 10),
        # small objects: the reader keeps a list of ints packed (goal: RSS at
        # most 4 times the file's size)
        ('a list of 5,000,000 ints < 65536 (a 15 MB pickle)', lambda: small_ints(5_000_000), [],
         3),
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
    rows = [('`ptcat --help`', None, median_measured([ptcat_exe, '--help'], runs), None, 0)]
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
            rows.append((name, median_measured(py, runs), median_measured(cpp, runs), goal,
                         os.path.getsize(path)))
            os.remove(path)
    return rows


def best_of(cmd, runs):
    """The shortest wall time of RUNS runs of CMD, and what it printed (the same each time)."""
    best, printed = None, None
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True)
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            sys.exit('compare_speed: %s exited with status %d: %s' %
                     (' '.join(cmd), proc.returncode, proc.stderr.decode(errors='replace')))
        if printed is not None and proc.stdout != printed:
            sys.exit('compare_speed: %s printed something else on another run' % ' '.join(cmd))
        printed = proc.stdout
        best = wall if best is None else min(best, wall)
    return best, printed


def crf(bin_dir, page, runs):
    """Rows (what, bar label, seconds, goal or None) for the CRF table; the first is Python's."""
    lessons = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'notebooks_port')
    # The notebook's code cells as one script: support/notebook_code.py, which
    # compare and check_pages.py use too (the same parameter rules).
    notebook = [sys.executable, os.path.join(lessons, 'support', 'notebook_code.py'),
                os.path.join(lessons, 'bilstm_crf', 'bilstm_crf.ipynb')]
    demo = os.path.join(bin_dir, 'demo_bilstm_crf')
    python = [sys.executable, page] if page else notebook
    what = ('`python3 %s`' % os.path.basename(page) if page else
            'Python: the page\'s code (`bilstm_crf.ipynb` as a script)')
    py, py_out = best_of(python, runs)
    rows = [(what, 'Python (page)', py, None)]
    for name, label, cmd, goal in (
            ('`demo_bilstm_crf`', 'C++', [demo], 3),
            ('`demo_bilstm_crf --vectorized`', 'C++ --vectorized', [demo, '--vectorized'], 20),
            ('for reference: Python, `VECTORIZED = True`', 'Python, vectorized',
             notebook + ['-p', 'VECTORIZED=True'], None),
            ('for reference: `demo_bilstm_crf --op-by-op` (the page\'s graph, node by node)',
             'C++ --op-by-op', [demo, '--op-by-op'], None),
            ('for reference: `demo_bilstm_crf --epochs 0` (LibTorch loaded, two decodings)',
             'C++ --epochs 0', [demo, '--epochs', '0'], None)):
        seconds, out = best_of(cmd, runs)
        if name.startswith('`demo_bilstm_crf') and out != py_out:
            sys.exit('compare_speed: %s and Python printed different bytes:\n%s\n%s' %
                     (name, out.decode(errors='replace'), py_out.decode(errors='replace')))
        rows.append((name, label, seconds, goal))
    return rows


def print_crf(rows, runs):
    print(f'The Bi-LSTM CRF (lesson bilstm_crf), 300 epochs, whole processes, best of {runs}; '
          'the same printed bytes checked first:\n')
    print('| run | time | speed-up | goal |')
    print('|---|---:|---:|---:|')
    python = rows[0][2]
    print(f'| {rows[0][0]} | {fmt_time(python)} | 1× | — |')
    for name, _, seconds, goal in rows[1:]:
        verdict = '' if goal is None else (' (met)' if python / seconds >= goal else ' (not met)')
        goal_text = '—' if goal is None else f'≥ {goal}×{verdict}'
        print(f'| {name} | {fmt_time(seconds)} | {python / seconds:.1f}× | {goal_text} |')


def gnuplot_string(text):
    return "'" + text.replace("'", "''") + "'"


def crf_chart(rows, runs, path):
    """Draws the CRF rows into PATH (SVG, gnuplot): a bar per run, seconds, and
    the page's time divided by each goal as a dashed line. One error line and
    exit status 1 when gnuplot cannot draw it."""
    python = rows[0][2]
    script = [
        "set terminal svg size 720,450 dynamic enhanced font 'sans,12' background '#ffffff'",
        'set output ' + gnuplot_string(path),
        'set encoding utf8',
        'set title ' + gnuplot_string('bilstm_crf, 300 epochs: whole processes, best of %d '
                                      '(torch %s)' % (runs, torch.__version__)) + ' noenhanced',
        "set ylabel 'seconds'",
        'set grid ytics', 'set key top right', 'set style fill solid 0.5 border',
        'set boxwidth 0.6', 'set xrange [-0.5:%g]' % (len(rows) - 0.5), 'set yrange [0:*]',
        'set xtics noenhanced rotate by -25',
        'plot \'-\' using 0:2:xtic(1) with boxes title \'time\', ' + ', '.join(
            '%.6g with lines lw 2 dt 2 title %s' % (
                python / goal, gnuplot_string('the %d× goal (the page ÷ %d)' % (goal, goal)))
            for goal in sorted({g for *_, g in rows if g})),
    ]
    script += ['%s %.6g' % (json.dumps(label), seconds) for _, label, seconds, _ in rows]
    script.append('e')
    try:
        subprocess.run(['gnuplot'], input='\n'.join(script) + '\n', text=True, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    except (OSError, subprocess.CalledProcessError) as e:
        said = [line for line in (getattr(e, 'stderr', None) or str(e)).splitlines() if line.strip()]
        sys.exit('compare_speed: --crf-chart: gnuplot could not draw %s: %s' % (
            path, said[-1].strip() if said else 'no message'))


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
    ap.add_argument('--only', choices=('all', 'repr', 'crf', 'checkpoints'), default='all',
                    help='run only the pyrepr/ptcat tables (repr), only the CRF one (crf), or '
                         'only ptcat on big checkpoints (checkpoints: bench_checkpoints.py)')
    ap.add_argument('--crf-runs', type=int, default=3, help='CRF runs of each program (best)')
    ap.add_argument('--crf-chart', metavar='FILE.svg',
                    help='also draw the CRF table as a bar chart into FILE.svg (gnuplot)')
    ap.add_argument('--crf-page', metavar='FILE',
                    help='time this script (e.g. the page\'s advanced_tutorial.py) as the '
                         'CRF\'s Python side instead of the notebook\'s code')
    args = ap.parse_args()
    if args.crf_chart:  # before minutes of measuring
        try:
            open(args.crf_chart, 'a').close()
        except OSError as e:
            sys.exit('compare_speed: --crf-chart: cannot write %s: %s' % (args.crf_chart,
                                                                          e.strerror))
    if args.only == 'checkpoints':
        sys.exit(subprocess.call([sys.executable, os.path.join(os.path.dirname(
            os.path.abspath(__file__)), 'bench_checkpoints.py'), '--ptcat',
            os.path.join(args.bin, 'ptcat'), '--runs', str(args.runs)]))
    if args.only not in ('crf',):
        py = python_in_process()
        cpp = cpp_in_process(os.path.join(args.bin, 'bench_repr'))
        processes = whole_process(os.path.join(args.bin, 'ptcat'), args.runs, not args.no_large)
    if args.only != 'repr':
        crf_rows = crf(args.bin, args.crf_page, args.crf_runs)
        if args.crf_chart:
            crf_chart(crf_rows, args.crf_runs, args.crf_chart)
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
    if args.only == 'crf':
        print_crf(crf_rows, args.crf_runs)
        return
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
    for name, p, c, goal, size in processes:
        if p is None:
            print(f'| {name} | — | {fmt_time(c[0])} | — | ≤ 20 ms | — | {fmt_mb(c[1])} |')
        else:
            rss_goal = ' (goal ≤ 32 MB)' if 'MB' in name or 'GB' in name else ''
            if 'ints' in name:
                rss_goal = f' (goal ≤ 4 × {fmt_mb(size)})'
            print(f'| {name} | {fmt_time(p[0])} | {fmt_time(c[0])} | {p[0] / c[0]:.0f}× | '
                  f'≥ {goal}× | {fmt_mb(p[1])} | {fmt_mb(c[1])}{rss_goal} |')
    if args.only == 'all':
        print()
        print_crf(crf_rows, args.crf_runs)
        if not args.no_large:  # ptcat on big checkpoints (about 6 GB of disk)
            print('\nptcat on big checkpoints (bench_checkpoints.py):\n', flush=True)
            subprocess.call([sys.executable, os.path.join(os.path.dirname(
                os.path.abspath(__file__)), 'bench_checkpoints.py'), '--ptcat',
                os.path.join(args.bin, 'ptcat'), '--runs', str(args.runs)])


if __name__ == '__main__':
    main()
