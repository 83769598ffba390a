#!@PYTHON_WITH_TORCH@
"""compare: a lesson's C++ port against its Jupyter notebook, cell by cell.

Runs the notebook headless (nbclient and a real IPython kernel) and the port
(`<program> --cells-json`), both with the same parameters, and compares what
each code cell shows: its stdout stream text and the text/plain of its
displayed last expression (Out[n]).

  compare lstm_basics                       # the lesson's notebook vs demo_lstm_basics
  compare lstm_basics -p SEED=2 -p SEQ_LEN=7
  compare lstm_basics --outputs saved.json  # saved outputs instead of running Python
  compare lstm_basics --numeric             # numbers within tolerance, grad_fn names apart
  compare lstm_basics --tensors             # and the tensors themselves (ptcat diff)

A parameter NAME=VALUE sets `NAME = VALUE` in the notebook's parameters cell
(the code cell tagged "parameters", else the first code cell) and passes
`--name VALUE` (lower case, '_' -> '-') to the port; a bool is a flag
(`TUTORIAL=True` -> `--tutorial`, `TUTORIAL=False` -> `--tutorial=false`).

Per cell it prints `identical` or `differs` (with a unified diff); with
--numeric also `equal within tolerance`, and grad_fn name differences are
reported on their own lines. Object addresses (`<AddBackward0 object at
0x7f...>`: `print(z.grad_fn)`) differ from process to process, so they are
the one difference allowed: such a cell is `identical but for object
addresses`, with the count.

The notebook's kernel runs with PYTHONHASHSEED=0 (--python-hash-seed N sets
another), so the order of a set of str is the same on every run; the port gets
--python-hash-seed N too when N is given. Exit status: 0 when no cell differs, 1 when one
does, 2 on bad usage or when the notebook or the port cannot be run.
"""

import argparse
import difflib
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

# Filled in by CMake's configure_file; the fallbacks serve a run from the
# source tree (python3 src/tools/compare.py).
_SOURCE_DIR = "@PROJECT_SOURCE_DIR@"
_BIN_DIR = "@CMAKE_RUNTIME_OUTPUT_DIRECTORY@"
if _SOURCE_DIR.startswith("@"):
    _SOURCE_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
if _BIN_DIR.startswith("@"):
    _BIN_DIR = os.path.join(_SOURCE_DIR, "build", "bin")

# The lessons' shared Python: how a parameter is set in a notebook.
sys.path.insert(0, os.path.join(_SOURCE_DIR, "notebooks_port", "support"))
import notebook_code  # noqa: E402

CELLS_FORMAT = "lesson-cells/1"
EXIT_SAME, EXIT_DIFFERS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    """A problem with the arguments or inputs: reported on one line, exit 2."""


# --------------------------------------------------------------------------
# Cells: {"index": n (1-based among code cells), "label": "In [n]",
#         "stream": stdout text, "result": text/plain of Out[n] or None}


def _text(value):
    """nbformat stores multi-line strings either whole or as a list of lines."""
    if isinstance(value, list):
        return "".join(value)
    return value


def cells_from_notebook(nb):
    """The outputs of an executed notebook (nbformat node or plain JSON dict)."""
    cells = []
    code_cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    for index, cell in enumerate(code_cells, start=1):
        stream, result, stderr = "", None, ""
        for out in cell.get("outputs", []):
            kind = out["output_type"]
            if kind == "stream" and out["name"] == "stdout":
                stream += _text(out["text"])
            elif kind == "stream":
                stderr += _text(out["text"])
            elif kind == "execute_result":
                result = _text(out["data"].get("text/plain", ""))
            elif kind == "error":
                raise UsageError(
                    "notebook cell %d raised %s: %s" % (index, out.get("ename"), out.get("evalue")))
        count = cell.get("execution_count")
        cells.append({
            "index": index,
            "label": "In [%s]" % (count if count is not None else index),
            "stream": stream,
            "result": result,
            "stderr": stderr,
        })
    return cells


def cells_from_json(data, what):
    """A cells document (what a port prints with --cells-json) or a bare list."""
    if isinstance(data, list):
        data = {"cells": data}
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise UsageError("%s: not a cells document (expected {\"cells\": [...]})" % what)
    cells = []
    for pos, cell in enumerate(data["cells"], start=1):
        if not isinstance(cell, dict):
            raise UsageError("%s: cell %d is not an object" % (what, pos))
        index = cell.get("index", pos)
        stream = cell.get("stream", "")
        result = cell.get("result")
        if not isinstance(index, int) or not isinstance(stream, str) or not (
                result is None or isinstance(result, str)):
            raise UsageError("%s: cell %d has a bad index, stream or result" % (what, pos))
        cells.append({
            "index": index,
            "label": cell.get("label", "In [%d]" % index),
            "stream": stream,
            "result": result,
        })
    total = data.get("total", len(cells))
    return cells, total


def load_outputs_file(path):
    """Saved notebook outputs: an executed .ipynb or a cells JSON document."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except OSError as e:
        raise UsageError("cannot read %s: %s" % (path, e.strerror))
    except ValueError as e:
        raise UsageError("%s: not JSON: %s" % (path, e))
    if isinstance(data, dict) and "nbformat" in data and "cells" in data:
        try:
            cells = cells_from_notebook(data)
        except (KeyError, TypeError, AttributeError) as e:  # cells or outputs of the wrong shape
            raise UsageError("%s: not a notebook: %s: %s" % (path, type(e).__name__, e))
        if all(not c["stream"] and c["result"] is None for c in cells):
            raise UsageError("%s: the notebook has no outputs (was it executed?)" % path)
        return cells
    cells, _ = cells_from_json(data, path)
    return cells


# --------------------------------------------------------------------------
# Running the notebook.


def set_parameters(nb, params):
    """Rewrites `NAME = ...` lines of the parameters cell, papermill style (as
    notebook_code.py does when it runs the notebook's code as a script)."""
    if not params:
        return
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    if not code_cells:
        raise UsageError("the notebook has no code cell to set parameters in")
    cell = code_cells[notebook_code.parameters_cell(code_cells)]
    try:
        cell.source = notebook_code.set_parameters(cell.source, params)
    except KeyError as e:
        raise UsageError("the notebook's parameters cell has no parameter %s" % e.args[0])


def run_notebook(path, params, timeout, hash_seed=0):
    """Executes the notebook in a fresh kernel; returns (cells, executed nb)."""
    try:
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError
    except ImportError as e:
        raise UsageError("%s (install python3-nbclient and python3-ipykernel)" % e)
    try:
        nb = nbformat.read(path, as_version=4)
    except OSError as e:
        raise UsageError("cannot read %s: %s" % (path, e.strerror))
    except Exception as e:  # nbformat raises several kinds for a malformed file
        raise UsageError("%s: not a notebook: %s" % (path, e))
    set_parameters(nb, params)

    # A private Jupyter/IPython environment: our kernelspec (this interpreter,
    # which imports torch) comes first on JUPYTER_PATH, and no user profile,
    # startup file or config can change what the kernel prints.
    tmp = tempfile.mkdtemp(prefix="compare-")
    saved_env = dict(os.environ)
    try:
        kernel_dir = os.path.join(tmp, "data", "kernels", "python3")
        os.makedirs(kernel_dir)
        with open(os.path.join(kernel_dir, "kernel.json"), "w") as f:
            json.dump({
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (compare)",
                "language": "python",
            }, f)
        os.environ["JUPYTER_PATH"] = os.path.join(tmp, "data")
        os.environ["JUPYTER_CONFIG_DIR"] = os.path.join(tmp, "config")
        os.environ["JUPYTER_RUNTIME_DIR"] = os.path.join(tmp, "runtime")
        os.environ["IPYTHONDIR"] = os.path.join(tmp, "ipython")
        os.environ["PYTHONNOUSERSITE"] = "1"
        os.environ["PYTHONHASHSEED"] = str(hash_seed)  # the order of a set of str
        os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # quiet the debugger's warning
        os.environ.pop("PYTHONSTARTUP", None)
        os.environ.pop("MPLBACKEND", None)
        # A kernel that dies before it answers has run no cell: it is started
        # again, twice at most. jupyter_client picks the kernel's TCP ports by
        # binding and releasing them, so a kernel started at the same moment by
        # another process (ctest runs two tests at once) can take one first
        # ("Address already in use": seen in a Debian 13 run).
        source = nbformat.writes(nb)
        for attempt in range(3):
            client = NotebookClient(nb, kernel_name="python3", timeout=int(math.ceil(timeout)),
                                    resources={"metadata": {"path": os.getcwd()}})
            try:
                client.execute()
                break
            except CellExecutionError as e:
                first = str(e).strip().splitlines()
                raise UsageError("the notebook failed: %s" % (first[-1] if first else e))
            except Exception as e:  # kernel did not start, timed out, ...
                if attempt < 2 and "before replying to kernel_info" in str(e):
                    nb = nbformat.reads(source, as_version=4)
                    continue
                raise UsageError("could not run the notebook: %s: %s" % (type(e).__name__, e))
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        shutil.rmtree(tmp, ignore_errors=True)
    return cells_from_notebook(nb), nb


# --------------------------------------------------------------------------
# Running a port.


def port_flags(params):
    """NAME=VALUE -> --name VALUE; a Python bool is a flag: NAME=True -> --name,
    NAME=False -> --name=false."""
    flags = []
    for name, value in params:
        flag = "--" + name.lower().replace("_", "-")
        if value == "True":
            flags.append(flag)
        elif value == "False":
            flags.append(flag + "=false")
        else:
            flags += [flag, value]
    return flags


def run_port(program, params, timeout, rule_flags=()):
    cmd = [program, "--cells-json"] + port_flags(params) + list(rule_flags)
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=timeout)
    except OSError as e:
        raise UsageError("cannot run %s: %s" % (program, e.strerror))
    except subprocess.TimeoutExpired:
        raise UsageError("%s did not finish within %g s" % (program, timeout))
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip()
        raise UsageError("%s exited with status %d: %s" % (
            os.path.basename(program), proc.returncode, err or "(no message)"))
    try:
        data = json.loads(proc.stdout.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise UsageError("%s --cells-json printed no valid JSON: %s" % (program, e))
    return cells_from_json(data, os.path.basename(program))


# --------------------------------------------------------------------------
# Comparing.

_GRAD_FN = re.compile(r"grad_fn=<([A-Za-z_][A-Za-z0-9_]*)>")
_NUMBER = re.compile(
    r"(?<![\w.])(?:[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|-?inf\b|nan\b)")


def _tokens(text):
    """Splits text into ('num', s), ('grad', name) and ('text', s) tokens;
    text tokens have their whitespace removed (widths follow the values)."""
    out = []
    pos = 0
    pattern = re.compile("%s|%s" % (_GRAD_FN.pattern, _NUMBER.pattern))
    for m in pattern.finditer(text):
        if m.start() > pos:
            out.append(("text", text[pos:m.start()]))
        if m.group(1) is not None:
            out.append(("grad", m.group(1)))
        else:
            out.append(("num", m.group(0)))
        pos = m.end()
    if pos < len(text):
        out.append(("text", text[pos:]))
    merged = []
    for kind, s in out:
        if kind == "text":
            s = re.sub(r"\s+", "", s)
            if not s:
                continue
            if merged and merged[-1][0] == "text":
                merged[-1] = ("text", merged[-1][1] + s)
                continue
        merged.append((kind, s))
    return merged


def last_digit_unit(s):
    """The value of one unit in the last printed digit: 0.2819 -> 1e-4,
    1.5e-05 -> 1e-6, 3. -> 1, 12 -> 1."""
    m = re.fullmatch(r"[-+]?(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?", s)
    if not m:
        return 0.0
    decimals = len(m.group(2) or "")
    exponent = int(m.group(3) or 0)
    return 10.0 ** (exponent - decimals)


def numbers_close(a, b, tolerance):
    x, y = float(a), float(b)
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    if math.isinf(x) or math.isinf(y):
        return x == y
    tol = tolerance if tolerance is not None else 0.5 * max(last_digit_unit(a), last_digit_unit(b))
    # a little slack for the binary representation of the printed decimals
    return abs(x - y) <= tol * (1 + 1e-9) + 1e-300


def numeric_compare(a, b, tolerance):
    """Returns (problem or None, [(grad_a, grad_b), ...])."""
    ta, tb = _tokens(a), _tokens(b)
    grads = []
    if len(ta) != len(tb):
        return "the outputs have different structure (%d vs %d tokens)" % (len(ta), len(tb)), grads
    nth = 0
    for (ka, sa), (kb, sb) in zip(ta, tb):
        if ka != kb:
            return "a %s where the other has a %s (%r vs %r)" % (ka, kb, sa, sb), grads
        if ka == "num":
            nth += 1
            if not numbers_close(sa, sb, tolerance):
                tol = tolerance if tolerance is not None else 0.5 * max(
                    last_digit_unit(sa), last_digit_unit(sb))
                return "number %d: %s vs %s (difference %.3g > tolerance %.3g)" % (
                    nth, sa, sb, abs(float(sa) - float(sb)), tol), grads
        elif ka == "grad":
            if sa != sb and (sa, sb) not in grads:
                grads.append((sa, sb))
        elif sa != sb:
            return "text differs: %r vs %r" % (sa, sb), grads
    return None, grads


def unified_diff(a, b, name_a, name_b):
    lines_a = a.splitlines(keepends=True)
    lines_b = b.splitlines(keepends=True)
    out = []
    for line in difflib.unified_diff(lines_a, lines_b, name_a, name_b):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    text = "".join(out)
    if a != b and a.splitlines() == b.splitlines():
        text += "(the texts differ only in line endings or a final newline: %r vs %r)\n" % (
            a[-20:], b[-20:])
    return text


def _parts(cell):
    """What a cell shows: its stream text and, if any, its Out[n] text."""
    parts = [("stdout", cell["stream"])]
    if cell["result"] is not None:
        parts.append(("Out", cell["result"]))
    return parts


# object.__repr__'s " at 0x7f3a...>" (and IPython's "<AddBackward0 at 0x...>").
_ADDRESS = re.compile(r" at 0x[0-9a-f]+>")


def mask_addresses(parts):
    """The parts with every object address replaced by "0x…"; and how many there were."""
    count = sum(len(_ADDRESS.findall(text)) for _, text in parts)
    return [(kind, _ADDRESS.sub(" at 0x\u2026>", text)) for kind, text in parts], count


def compare_cells(nb_cells, port_cells, port_total, port_name, numeric, tolerance, out):
    """Prints a line per notebook code cell; returns the number of cells that differ."""
    failures = 0
    if port_total != len(nb_cells):
        out.write("structure differs: the notebook has %d code cells, %s has %d\n" % (
            len(nb_cells), port_name, port_total))
        failures += 1
    by_index = {}
    for cell in port_cells:
        if cell["index"] in by_index:
            out.write("%s shows cell %d twice\n" % (port_name, cell["index"]))
            failures += 1
        by_index[cell["index"]] = cell
    nb_by_index = {c["index"]: c for c in nb_cells}
    for extra in sorted(set(by_index) - set(nb_by_index)):
        out.write("cell %d: differs: %s shows a cell the notebook does not have\n" % (
            extra, port_name))
        failures += 1

    for cell in nb_cells:
        head = "cell %d (%s)" % (cell["index"], cell["label"])
        if cell.get("stderr"):
            out.write("%s: note: the notebook also wrote to stderr (not compared): %s\n" % (
                head, cell["stderr"].strip().splitlines()[0][:200] if cell["stderr"].strip()
                else repr(cell["stderr"])))
        port = by_index.get(cell["index"])
        if port is None:
            out.write("%s: skipped (not shown by %s)\n" % (head, port_name))
            continue
        mine, theirs = _parts(cell), _parts(port)
        if mine == theirs:
            out.write("%s: identical\n" % head)
            continue
        mine_masked, addresses = mask_addresses(mine)
        theirs_masked, _ = mask_addresses(theirs)
        if addresses and mine_masked == theirs_masked:
            out.write("%s: identical but for object addresses (%d ' at 0x...>')\n" % (
                head, addresses))
            continue
        mine, theirs = mine_masked, theirs_masked
        if numeric and [k for k, _ in mine] == [k for k, _ in theirs]:
            problems, grads = [], []
            for (kind, a), (_, b) in zip(mine, theirs):
                problem, g = numeric_compare(a, b, tolerance)
                grads += [x for x in g if x not in grads]
                if problem:
                    problems.append("%s: %s" % (kind, problem))
            if not problems:
                out.write("%s: equal within tolerance\n" % head)
                for ga, gb in grads:
                    out.write("  grad_fn names differ: %s (notebook) vs %s (%s)\n" % (
                        ga, gb, port_name))
                continue
        else:
            problems, grads = [], []
        failures += 1
        out.write("%s: differs\n" % head)
        for p in problems:
            out.write("  %s\n" % p)
        for ga, gb in grads:
            out.write("  grad_fn names differ: %s (notebook) vs %s (%s)\n" % (ga, gb, port_name))
        kinds_a = dict(mine)
        kinds_b = dict(theirs)
        for kind in ("stdout", "Out"):
            a, b = kinds_a.get(kind), kinds_b.get(kind)
            if a == b:
                continue
            if a is None or b is None:
                out.write("  %s: only the %s has an Out[%d] value\n" % (
                    kind, "notebook" if b is None else port_name, cell["index"]))
            out.write(unified_diff(a or "", b or "",
                                   "notebook %s %s" % (cell["label"], kind),
                                   "%s %s %s" % (port_name, cell["label"], kind)))
    return failures


# --------------------------------------------------------------------------


def find_notebook(lesson_dir, lesson):
    preferred = os.path.join(lesson_dir, lesson + ".ipynb")
    if os.path.isfile(preferred):
        return preferred
    found = sorted(f for f in os.listdir(lesson_dir) if f.endswith(".ipynb"))
    if len(found) != 1:
        raise UsageError("cannot tell which notebook in %s is the lesson's; use --notebook"
                         % lesson_dir)
    return os.path.join(lesson_dir, found[0])


def parse_param(text):
    m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)", text, re.DOTALL)
    if not m:
        raise argparse.ArgumentTypeError("expected NAME=VALUE, got %r" % text)
    if "\n" in m.group(2):
        raise argparse.ArgumentTypeError("a parameter value cannot contain a newline")
    return m.group(1), m.group(2)


def parse_tolerance(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("not a number: %r" % text)
    if not value >= 0 or math.isinf(value):
        raise argparse.ArgumentTypeError("must be a finite number >= 0: %r" % text)
    return value


def parse_timeout(text):
    value = parse_tolerance(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be > 0: %r" % text)
    return value


def parse_hash_seed(text):
    """PYTHONHASHSEED's range: 0 to 4294967295."""
    if not re.fullmatch(r"[0-9]+", text) or int(text) > 4294967295:
        raise argparse.ArgumentTypeError("must be an integer from 0 to 4294967295: %r" % text)
    return int(text)


def parse_version(text):
    """X.Y; whether the release is supported is the port's to say."""
    if not re.fullmatch(r"[0-9]{1,4}\.[0-9]{1,4}", text):
        raise argparse.ArgumentTypeError("expected a version X.Y, got %r" % text)
    return text


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="compare", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Compare a lesson's C++ port with its Jupyter notebook, cell by cell.",
        epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("lesson", nargs="?", default="lstm_basics",
                    help="lesson name: notebooks_port/LESSON/ and demo_LESSON (default %(default)s)")
    ap.add_argument("--notebook", help="the .ipynb to run (default: the lesson's)")
    ap.add_argument("--port", action="append", metavar="PROGRAM",
                    help="a port program; repeatable (default: demo_LESSON next to compare)")
    ap.add_argument("--outputs", metavar="FILE",
                    help="saved notebook outputs (an executed .ipynb or a cells JSON) "
                         "instead of running Python")
    ap.add_argument("-p", "--param", action="append", type=parse_param, default=[],
                    metavar="NAME=VALUE", help="a notebook parameter, also given to the port")
    ap.add_argument("--numeric", action="store_true",
                    help="compare numbers within a tolerance; report grad_fn names apart")
    ap.add_argument("--tolerance", type=parse_tolerance, metavar="ABS",
                    help="absolute tolerance for --numeric (default: half a unit in the "
                         "last printed digit)")
    ap.add_argument("--tensors", action="store_true",
                    help="also compare the tensors themselves: the port's --dump against the "
                         "notebook's values (notebook_dump.py), with ptcat diff "
                         "(torch.testing.assert_close's rules); the notebook's own parameters")
    ap.add_argument("--save-outputs", metavar="FILE",
                    help="write the notebook's outputs (cells JSON, or .ipynb by extension)")
    ap.add_argument("--timeout", type=parse_timeout, default=600.0, metavar="SECONDS",
                    help="per notebook cell and per port run (default %(default)g)")
    ap.add_argument("--torch-version", type=parse_version, metavar="X.Y",
                    help="the port prints as this PyTorch does (1.13, 2.6, 2.14; default: the "
                         "LibTorch it was built against); grad_fn names stay this LibTorch's")
    ap.add_argument("--python-version", type=parse_version, metavar="X.Y",
                    help="the port prints as this Python and its IPython do (3.11, 3.13, 3.14; "
                         "default: the Python it was configured with)")
    ap.add_argument("--python-hash-seed", type=parse_hash_seed, metavar="N",
                    help="the notebook runs with PYTHONHASHSEED=N (default 0), and the port "
                         "gets --python-hash-seed N when N is given")
    args = ap.parse_args(argv)
    rule_flags = []
    if args.python_hash_seed is not None:
        rule_flags += ["--python-hash-seed", str(args.python_hash_seed)]
    if args.torch_version:
        rule_flags += ["--torch-version", args.torch_version]
    if args.python_version:
        rule_flags += ["--python-version", args.python_version]
    if args.tolerance is not None and not args.numeric:
        ap.error("--tolerance needs --numeric")
    if args.tensors and (args.outputs or args.param):
        ap.error("--tensors runs the notebook and the port with their own parameters "
                 "(not with --outputs or -p)")

    try:
        if not re.fullmatch(r"[A-Za-z0-9_]+", args.lesson):
            raise UsageError("bad lesson name %r" % args.lesson)
        lesson_dir = os.path.join(_SOURCE_DIR, "notebooks_port", args.lesson)
        ports = args.port or [os.path.join(_BIN_DIR, "demo_" + args.lesson)]

        if args.outputs:
            if args.save_outputs:
                raise UsageError("--save-outputs needs the notebook to run (not --outputs)")
            nb_cells = load_outputs_file(args.outputs)
            source = args.outputs
        else:
            notebook = args.notebook
            if notebook is None:
                if not os.path.isdir(lesson_dir):
                    raise UsageError("no lesson %r (no folder %s); use --notebook" % (
                        args.lesson, lesson_dir))
                notebook = find_notebook(lesson_dir, args.lesson)
            nb_cells, executed = run_notebook(notebook, args.param, args.timeout,
                                              args.python_hash_seed or 0)
            source = notebook
            if args.save_outputs:
                save(args.save_outputs, nb_cells, executed)

        print("notebook: %s%s" % (source, "".join(
            " %s=%s" % p for p in args.param) + " (PYTHONHASHSEED=%d)" % (
                args.python_hash_seed or 0) if not args.outputs else ""))
        failures = 0
        for program in ports:
            port_cells, total = run_port(program, args.param, args.timeout, rule_flags)
            name = os.path.basename(program)
            print("port: %s%s" % (program, "".join(
                " " + f for f in port_flags(args.param) + rule_flags)))
            failures += compare_cells(nb_cells, port_cells, total, name, args.numeric,
                                      args.tolerance, sys.stdout)
        if args.tensors:
            failures += compare_tensors(notebook, ports[0], args.timeout, rule_flags)
        print("result: %s" % ("all identical" if failures == 0 and not args.numeric else
                              "no differences" if failures == 0 else
                              "%d cell(s) differ" % failures))
        return EXIT_SAME if failures == 0 else EXIT_DIFFERS
    except UsageError as e:
        sys.stdout.flush()
        print("compare: error: %s" % e, file=sys.stderr)
        return EXIT_ERROR


def compare_tensors(notebook, program, timeout, rule_flags):
    """The port's --dump against the notebook's tensors of the same names,
    through ptcat diff; prints its report, returns 1 if they differ."""
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        port_file, python_file = os.path.join(tmp, "port.pt"), os.path.join(tmp, "python.pt")
        steps = [
            [program, "--dump", port_file] + rule_flags,
            [sys.executable, os.path.join(_SOURCE_DIR, "notebooks_port", "support",
                                          "notebook_dump.py"), notebook, python_file,
             "--like", port_file],
        ]
        for cmd in steps:
            proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  timeout=timeout, text=True)
            if proc.returncode != 0:
                raise UsageError("%s failed: %s" % (os.path.basename(cmd[0]),
                                                    proc.stderr.strip()[-500:]))
        diff = subprocess.run([os.path.join(_BIN_DIR, "ptcat"), "diff", port_file, python_file],
                              capture_output=True, text=True, timeout=timeout)
        print("tensors (ptcat diff %s --dump, the notebook's values):" % os.path.basename(program))
        sys.stdout.write("".join("  " + line for line in diff.stdout.splitlines(True)))
        if diff.returncode == 2:
            raise UsageError("ptcat diff: %s" % diff.stderr.strip())
        return 0 if diff.returncode == 0 else 1


def save(path, cells, executed):
    try:
        if path.endswith(".ipynb"):
            import nbformat
            nbformat.write(executed, path)
        else:
            with open(path, "w", encoding="utf-8") as f:
                json.dump({"format": CELLS_FORMAT, "total": len(cells), "cells": [
                    {k: c[k] for k in ("index", "label", "stream", "result")} for c in cells
                ]}, f, ensure_ascii=False, indent=1)
                f.write("\n")
    except OSError as e:
        raise UsageError("cannot write %s: %s" % (path, e.strerror))


if __name__ == "__main__":
    sys.exit(main())
