#!/usr/bin/python3
"""A lesson notebook's code outside Jupyter.

  notebook_code.py NOTEBOOK [-p NAME=VALUE]... [--quiet]

runs the notebook's code cells in order in one namespace, as `python3 script.py`
would run them one after the other, with each parameter NAME set to VALUE in
the parameters cell first. Its stdout is then what the lesson's page prints
(a cell shows no Out[n] here). --quiet discards it: a lesson program that needs
its notebook's Python side for something else (lstm_benchmark's timings, which
the notebook writes to a CSV) runs it that way.

`compare` sets parameters with the same functions (set_parameters), so a
parameter means the same in both.
"""
import argparse
import json
import os
import re
import sys


def python_literal(value):
    """The Python literal of a parameter's text: an int, None/True/False or a
    float as written, anything else a str."""
    if re.fullmatch(r"[-+]?\d+", value):
        return str(int(value))
    if value in ("None", "True", "False"):
        return value
    try:
        float(value)
        return value
    except ValueError:
        return repr(value)


def parameters_cell(code_cells):
    """The index of the parameters cell: the code cell tagged "parameters",
    else the first. `code_cells`: dicts (or nbformat nodes) with "metadata"."""
    for i, cell in enumerate(code_cells):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            return i
    return 0


def set_parameters(source, params):
    """Rewrites the `NAME = ...` line of each (NAME, VALUE) in `source`, papermill
    style (a comment after the value stays). Raises KeyError(NAME) for a
    parameter the source does not have."""
    for name, value in params:
        pattern = re.compile(r"^(%s[ \t]*=[ \t]*)([^#\n]*?)([ \t]*(#.*)?)$" % re.escape(name),
                             re.MULTILINE)
        if not pattern.search(source):
            raise KeyError(name)
        literal = python_literal(value)
        source = pattern.sub(lambda m: m.group(1) + literal + m.group(3), source, count=1)
    return source


def code_cells(path):
    """The notebook's code cells: [{"source": text, "metadata": {...}}]."""
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    cells = []
    for c in nb["cells"]:
        if c.get("cell_type") == "code":
            source = c["source"]
            cells.append({"source": "".join(source) if isinstance(source, list) else source,
                          "metadata": c.get("metadata", {})})
    return cells


def parse_param(text):
    name, sep, value = text.partition("=")
    if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise argparse.ArgumentTypeError("expected NAME=VALUE, got %r" % text)
    return name, value


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("notebook")
    ap.add_argument("-p", "--param", action="append", type=parse_param, default=[],
                    metavar="NAME=VALUE")
    ap.add_argument("--quiet", action="store_true", help="discard what the cells print")
    args = ap.parse_args()
    try:
        cells = code_cells(args.notebook)
    except (OSError, ValueError, KeyError) as e:
        sys.exit("notebook_code: %s: not a readable notebook: %s" % (args.notebook, e))
    if not cells:
        sys.exit("notebook_code: %s: no code cell" % args.notebook)
    first = parameters_cell(cells)
    try:
        cells[first]["source"] = set_parameters(cells[first]["source"], args.param)
    except KeyError as e:
        sys.exit("notebook_code: %s: the parameters cell has no parameter %s" % (
            args.notebook, e.args[0]))
    if args.quiet:
        sys.stdout = open(os.devnull, "w")
    scope = {"__name__": "__main__"}
    for index, cell in enumerate(cells, 1):
        exec(compile(cell["source"], "%s, cell %d" % (args.notebook, index), "exec"), scope)


if __name__ == "__main__":
    main()
