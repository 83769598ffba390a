#!/usr/bin/python3
"""Generates a lesson's walk-through README.md, or checks it is up to date.

  walkthrough.py LESSON_DIR --port DEMO_PROGRAM           # write LESSON_DIR/README.md
  walkthrough.py LESSON_DIR --port DEMO_PROGRAM --check   # exit 1 (with a diff) if stale
  walkthrough.py LESSON_DIR --outputs CELLS.json [--check]

The README is LESSON_DIR/README.in.md (prose, in Chinese and English) with
each `{{cell N}}` line replaced by code cell N: the Python source from the
notebook (LESSON_DIR/<lesson>.ipynb), its C++ counterpart (the lines between
`// %% In [N]` and `// %% end` in LESSON_DIR/*.cpp) and the output the port
prints for it (`DEMO_PROGRAM --cells-json`; the parity tests check that it is
the notebook's, byte for byte). Every code cell must be placed exactly once.

A lesson whose output changes from run to run (timings) records one run
instead: --outputs CELLS.json takes the cells from that file (what
`DEMO_PROGRAM --cells-json` printed) rather than running the program.
"""
import argparse
import difflib
import glob
import json
import os
import re
import subprocess
import sys
import textwrap


class Error(Exception):
    pass


# The committed walk-throughs are generated on Debian 12, with torch 1.13. The
# last digits of some printed numbers depend on the machine (the CPU's kernels,
# OpenMP's threads: a loss after 200 epochs, an LSTM's float32 rounding), and in
# another release the autograd nodes have other names (a CPU LSTM's output:
# MkldnnRnnLayerBackward0 in 2.x). So --check compares the text with the numbers
# within NUMBER_TOLERANCE, and with the grad_fn names left out in another
# release; everything else (the sources, the prose, the layout of every output)
# must be the same.
# Object addresses (`print(z.grad_fn)`: "<AddBackward0 object at 0x55d2...>")
# change on every run, so they are left out too.
RECORDED_TORCH = "1.13"
NUMBER_TOLERANCE = 1e-4
GRAD_FN = re.compile(r"grad_fn=<[A-Za-z0-9_]+>")
NUMBER = re.compile(r"-?(?:\d+\.\d*|\.\d+|\d+)(?:e[-+]?\d+)?")
ADDRESS = re.compile(r" at 0x[0-9a-f]+>")


def same_but_for_numbers(a, b, grad_fn_names=True):
    """(True, count of numbers that differ) if a and b differ only in numbers
    within NUMBER_TOLERANCE (absolute or relative), in object addresses, and
    in grad_fn names unless grad_fn_names."""
    a, b = ADDRESS.sub(" at 0x>", a), ADDRESS.sub(" at 0x>", b)
    if not grad_fn_names:
        a, b = GRAD_FN.sub("grad_fn=<>", a), GRAD_FN.sub("grad_fn=<>", b)
    if NUMBER.sub("#", a) != NUMBER.sub("#", b):
        return False, 0
    differ = 0
    for x, y in zip(NUMBER.findall(a), NUMBER.findall(b)):
        if x == y:
            continue
        fx, fy = float(x), float(y)
        if abs(fx - fy) > NUMBER_TOLERANCE * max(1.0, abs(fx), abs(fy)):
            return False, 0
        differ += 1
    return True, differ


def running_torch():
    try:
        import torch
    except ImportError:
        return None
    return ".".join(torch.__version__.split("+")[0].split(".")[:2])


def fence(text, lang=""):
    ticks = "```"
    while ticks in text:
        ticks += "`"
    body = text if text.endswith("\n") else text + "\n"
    return "%s%s\n%s%s\n" % (ticks, lang, body, ticks)


def notebook_cells(lesson_dir):
    name = os.path.basename(os.path.normpath(lesson_dir))
    path = os.path.join(lesson_dir, name + ".ipynb")
    try:
        with open(path, encoding="utf-8") as f:
            nb = json.load(f)
    except (OSError, ValueError) as e:
        raise Error("cannot read the notebook %s: %s" % (path, e))
    cells = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            src = cell["source"]
            cells.append("".join(src) if isinstance(src, list) else src)
    return name, cells


def cpp_cells(lesson_dir):
    cells = {}
    for path in sorted(glob.glob(os.path.join(lesson_dir, "*.cpp"))):
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        current, body = None, []
        for number, line in enumerate(lines, 1):
            m = re.fullmatch(r"\s*// %% In \[(\d+)\]\s*", line)
            if m:
                if current is not None:
                    raise Error("%s:%d: cell %d is not closed" % (path, number, current))
                current, body = int(m.group(1)), []
                if current in cells:
                    raise Error("%s:%d: cell %d appears twice" % (path, number, current))
                continue
            if re.fullmatch(r"\s*// %% end\s*", line):
                if current is None:
                    raise Error("%s:%d: '// %%%% end' without a cell" % (path, number))
                cells[current] = (os.path.basename(path), textwrap.dedent("\n".join(body)))
                current = None
                continue
            if current is not None:
                body.append(line)
        if current is not None:
            raise Error("%s: cell %d is not closed" % (path, current))
    return cells


def recorded_outputs(path):
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise Error("cannot read the recorded outputs %s: %s" % (path, e))
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise Error("%s: not a cells document (what --cells-json prints)" % path)
    for c in data["cells"]:
        if not (isinstance(c, dict) and isinstance(c.get("index"), int) and
                isinstance(c.get("stream"), str) and
                (c.get("result") is None or isinstance(c["result"], str))):
            raise Error("%s: a cell without an index, stream and result: %.60r" % (path, c))
    return {c["index"]: c for c in data["cells"]}


# The walk-through shows what a correct LSTM prints. oneDNN 3.7 (Debian 13's
# torch 2.6) computes an LSTM under no_grad wrongly with its AVX-512 kernel on
# some CPUs (README.md, "Known issues"); capped at AVX2 it is right, and every
# other release prints the same with or without the cap.
CORRECT_LSTM_ENV = {"ONEDNN_MAX_CPU_ISA": "AVX2"}


def port_outputs(program):
    try:
        proc = subprocess.run([program, "--cells-json"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=dict(os.environ, **CORRECT_LSTM_ENV))
    except OSError as e:
        raise Error("cannot run %s: %s" % (program, e.strerror))
    if proc.returncode != 0:
        raise Error("%s failed: %s" % (program, proc.stderr.decode("utf-8", "replace").strip()))
    data = json.loads(proc.stdout.decode("utf-8"))
    return {c["index"]: c for c in data["cells"]}


def render_cell(index, python, cpp, output):
    cpp_file, cpp_code = cpp
    parts = ["<!-- cell %d: generated by walkthrough.py from the notebook, %s and the program's "
             "output; do not edit -->\n" % (index, cpp_file),
             "**In [%d] Python**\n\n" % index, fence(python, "python"),
             "\n**C++** (`%s`)\n\n" % cpp_file, fence(cpp_code.strip("\n"), "cpp")]
    if output["stream"]:
        parts += ["\n**输出 Output**\n\n", fence(output["stream"], "text")]
    if output["result"] is not None:
        parts += ["\n**Out[%d]**\n\n" % index, fence(output["result"], "text")]
    if not output["stream"] and output["result"] is None:
        parts += ["\n*(没有输出 No output)*\n"]
    return "".join(parts)


def generate(lesson_dir, program, outputs_path=None):
    template_path = os.path.join(lesson_dir, "README.in.md")
    try:
        with open(template_path, encoding="utf-8") as f:
            template = f.read()
    except OSError as e:
        raise Error("cannot read %s: %s" % (template_path, e.strerror))
    name, python = notebook_cells(lesson_dir)
    cpp = cpp_cells(lesson_dir)
    outputs = recorded_outputs(outputs_path) if outputs_path else port_outputs(program)
    placed = []

    def replace(m):
        index = int(m.group(1))
        if not 1 <= index <= len(python):
            raise Error("README.in.md: {{cell %d}}: the notebook has %d code cells" % (
                index, len(python)))
        if index not in cpp:
            raise Error("no C++ counterpart of cell %d (// %%%% In [%d] ... // %%%% end)" % (
                index, index))
        if index not in outputs:
            raise Error("%s does not show cell %d" % (outputs_path or program, index))
        placed.append(index)
        return render_cell(index, python[index - 1], cpp[index], outputs[index])

    text = re.sub(r"^\{\{cell (\d+)\}\}\n", replace, template, flags=re.MULTILINE)
    missing = [i for i in range(1, len(python) + 1) if placed.count(i) != 1]
    if missing:
        raise Error("README.in.md must place every code cell exactly once; not so for %s" %
                    ", ".join(map(str, missing)))
    extra = sorted(set(cpp) - set(range(1, len(python) + 1)))
    if extra:
        raise Error("C++ cells without a notebook cell: %s" % extra)
    return ("<!-- Generated from README.in.md by notebooks_port/walkthrough.py; "
            "edit README.in.md, then regenerate. -->\n" + text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("lesson_dir")
    source = ap.add_mutually_exclusive_group(required=True)
    source.add_argument("--port", help="the lesson's demo program")
    source.add_argument("--outputs", metavar="CELLS.json",
                        help="recorded outputs (the demo's --cells-json) instead of running it")
    ap.add_argument("--check", action="store_true", help="compare with README.md, do not write")
    args = ap.parse_args()
    readme = os.path.join(args.lesson_dir, "README.md")
    try:
        text = generate(args.lesson_dir, args.port, args.outputs)
    except Error as e:
        print("walkthrough: error: %s" % e, file=sys.stderr)
        return 2
    if not args.check:
        with open(readme, "w", encoding="utf-8") as f:
            f.write(text)
        print("wrote %s" % readme)
        return 0
    try:
        with open(readme, encoding="utf-8") as f:
            current = f.read()
    except OSError as e:
        current = ""
        print("walkthrough: cannot read %s: %s" % (readme, e.strerror))
    if current == text:
        print("%s is up to date" % readme)
        return 0
    torch_version = running_torch()
    other_release = torch_version not in (None, RECORDED_TORCH)
    same, differ = same_but_for_numbers(current, text, grad_fn_names=not other_release)
    if same:
        print("%s is up to date: object addresses aside, %d numbers differ by at most %g "
              "(this machine's last digits)%s" % (readme, differ, NUMBER_TOLERANCE,
                 "; grad_fn names not compared (torch %s, recorded with %s)" % (
                     torch_version, RECORDED_TORCH) if other_release else ""))
        return 0
    sys.stdout.writelines(difflib.unified_diff(
        current.splitlines(keepends=True), text.splitlines(keepends=True),
        readme + " (committed)", readme + " (generated)"))
    print("\n%s is stale; regenerate it with:\n  %s %s %s %s" % (
        readme, sys.executable, os.path.abspath(__file__), args.lesson_dir,
        "--outputs %s" % args.outputs if args.outputs else "--port %s" % args.port))
    return 1


if __name__ == "__main__":
    sys.exit(main())
