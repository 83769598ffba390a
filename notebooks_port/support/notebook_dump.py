#!/usr/bin/python3
"""A notebook's tensors as a lesson's --dump names them, saved with torch.save.

  notebook_dump.py NOTEBOOK OUT.pt [--like PORT_DUMP.pt]

Runs NOTEBOOK's code cells in order, as IPython does (print() recorded, a
cell's last expression displayed as Out[n] unless it is None), and saves
with torch.save the dict of the tensors shown, named as the port's --dump
names them ("cell<n>.print<k>[i]...", "cell<n>.Out"), plus, with --like, the
variables the port's dump holds ("cell<n>.<name>": <name> right after cell
n). Then the two files compare value by value:

  build/bin/demo_lstm_basics --dump port.pt
  /usr/bin/python3 notebooks_port/support/notebook_dump.py \
      notebooks_port/lstm_basics/lstm_basics.ipynb python.pt --like port.pt
  build/bin/ptcat diff port.pt python.pt

Runs with PYTHONHASHSEED=0 (the order of a set of str), as compare does; the
seed is read when Python starts, so the script runs itself again with it.
tests/parity/test_dump.py uses it for every lesson.
"""
import argparse
import ast
import contextlib
import io
import json
import os
import re
import sys

import torch

SHOWN = re.compile(r"cell\d+\.(Out|print\d+)(\[.*\])?")


def flatten(name, value, into):
    """The tensors in VALUE by name, as the port names them: lists and tuples
    flattened as name[0], name[1], ..., dicts as name[repr(key)]."""
    if isinstance(value, torch.Tensor):
        into[name] = value.detach().clone()
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            flatten("%s[%d]" % (name, i), item, into)
    elif isinstance(value, dict):
        for key, item in value.items():
            flatten("%s[%r]" % (name, key), item, into)


def notebook_values(notebook, keys):
    """Runs NOTEBOOK's code cells; returns (the tensors shown, by name; the
    values of the variable names among KEYS)."""
    with open(notebook, encoding="utf-8") as f:
        nb = json.load(f)
    sources = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    wanted = {}
    for key in keys:
        cell, _, expr = key.partition(".")
        if not SHOWN.fullmatch(key) and re.fullmatch(r"cell\d+", cell):
            wanted.setdefault(int(cell[4:]), []).append((key, expr))
    printed = []

    def recording_print(*args, **kwargs):
        printed.append(args)
        print(*args, **kwargs)

    namespace = {"__name__": "__main__", "print": recording_print}
    shown, variables = {}, {}
    for index, source in enumerate(sources, start=1):
        name = "%s, cell %d" % (notebook, index)
        tree = ast.parse(source, name)
        display = None  # IPython displays a last expression (not one ending in ';')
        if tree.body and isinstance(tree.body[-1], ast.Expr) and not source.rstrip().endswith(";"):
            display = ast.Expression(tree.body.pop().value)
        printed.clear()
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(tree, name, "exec"), namespace)
            out = eval(compile(display, name, "eval"), namespace) if display else None
        for k, args in enumerate(printed, start=1):
            flatten("cell%d.print%d" % (index, k), args, shown)
        if out is not None:
            flatten("cell%d.Out" % index, out, shown)
        for key, expr in wanted.get(index, []):
            try:
                value = eval(expr, namespace)
            except Exception as e:  # a name the notebook does not have
                value = e
            variables[key] = value.detach().clone() if isinstance(value, torch.Tensor) else value
    return shown, variables



def main():
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable] + sys.argv,
                  dict(os.environ, PYTHONHASHSEED="0"))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("notebook")
    ap.add_argument("out")
    ap.add_argument("--like", help="a port's --dump: also save the variables it holds")
    args = ap.parse_args()
    keys = torch.load(args.like, weights_only=False) if args.like else {}
    shown, variables = notebook_values(args.notebook, keys)
    torch.save(dict(shown, **{k: v for k, v in variables.items()
                              if isinstance(v, torch.Tensor)}), args.out)
    print("%s: %d tensors shown, %d variables" % (args.out, len(shown), len(variables)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
