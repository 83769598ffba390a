"""A lesson's --dump against its notebook, run by Python now.

  test_dump.py NOTEBOOK DEMO

DEMO --dump saves (lesson/notebook.hpp, Notebook) the tensors each cell shows
and the registered variables a cell changed. Python runs the notebook's code
cells in order, as IPython does: print() recorded, and a cell's last
expression displayed (Out[n]) unless it is None. Then:
  - the port shows the tensors Python shows: the same names
    "cell<n>.print<k>[i]..." and "cell<n>.Out..." on both sides;
  - every dumped tensor equals Python's bit for bit (dtype, shape, values):
    a shown one the tensor Python showed, a variable "cell<n>.<name>" the
    value of the expression <name> right after cell n.
The printed output has 4 decimals; this checks the floats themselves.

Python runs the notebook with PYTHONHASHSEED=0, as compare does and as the
port assumes by default (--python-hash-seed 0): the order of a set of str.
The seed is read when Python starts, so the script runs itself again with it.
"""
import ast
import contextlib
import io
import json
import os
import re
import sys
import tempfile

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
from checks import check, check_same_tensors, finish, run

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
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    notebook, demo = sys.argv[1:]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "dump.pt")
        rc, out, err = run([demo, "--dump", path])
        check("--dump: the program runs", rc == 0, err)
        if rc != 0:
            return finish()
        dumped = torch.load(path, weights_only=False)  # our own --dump file
    shown, variables = notebook_values(notebook, dumped)
    ours = [k for k in dumped if SHOWN.fullmatch(k)]
    check("the port shows the tensors Python shows (%d)" % len(shown), ours == list(shown),
          "port only: %s\nPython only: %s" % ([k for k in ours if k not in shown],
                                               [k for k in shown if k not in ours]))
    check("tensors were dumped", len(dumped) > 0, repr(list(dumped)))
    check_same_tensors(dumped, dict(shown, **variables))
    return finish()


if __name__ == "__main__":
    sys.exit(main())
