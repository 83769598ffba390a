#!/usr/bin/python3
"""A lesson program's parameters against its notebook's parameters cell.

  check_parameters.py NOTEBOOK PROGRAM [-p NAME=VALUE]...

PROGRAM --print-parameters prints each parameter the port declares as
`NAME = <Python literal>` (lesson/param.hpp); these lines must be the
assignments of the notebook's parameters cell, `NAME = repr(value)` for each
top-level `NAME = <literal>` in it, in the same order: the same names, the same
defaults, the same types. -p NAME=VALUE sets a parameter in the cell first, as
compare sets one (notebook_code.set_parameters): a default the port keeps
different on purpose (add_lesson's PORT_DEFAULTS).

Exit status 0 if they agree, 1 (with what differs) if not, 2 for a usage error.
"""
import argparse
import ast
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests"))
import notebook_code  # noqa: E402
from checks import check, finish, udiff  # noqa: E402


def notebook_assignments(source):
    """`NAME = repr(value)` for each top-level assignment of a literal to one name."""
    lines = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                isinstance(node.targets[0], ast.Name):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                continue  # not a literal: not a parameter
            lines.append("%s = %r" % (node.targets[0].id, value))
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("notebook")
    ap.add_argument("program")
    ap.add_argument("-p", "--param", action="append", type=notebook_code.parse_param,
                    default=[], metavar="NAME=VALUE")
    args = ap.parse_args()

    try:
        cells = notebook_code.code_cells(args.notebook)
    except (OSError, ValueError, KeyError) as e:
        print("check_parameters: error: %s: not a readable notebook: %s" % (args.notebook, e),
              file=sys.stderr)
        return 2
    if not cells:
        print("check_parameters: error: %s: no code cell" % args.notebook, file=sys.stderr)
        return 2
    source = cells[notebook_code.parameters_cell(cells)]["source"]
    try:
        source = notebook_code.set_parameters(source, args.param)
    except KeyError as e:
        print("check_parameters: error: the parameters cell has no parameter %s" % e.args[0],
              file=sys.stderr)
        return 2
    want = notebook_assignments(source)

    try:
        proc = subprocess.run([args.program, "--print-parameters"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=300)
    except OSError as e:
        print("check_parameters: error: cannot run %s: %s" % (args.program, e.strerror),
              file=sys.stderr)
        return 2
    name = os.path.basename(args.program)
    if check("%s --print-parameters runs" % name, proc.returncode == 0 and not proc.stderr,
             "exit status %d, stderr %r" % (proc.returncode,
                                            proc.stderr.decode("utf-8", "replace"))):
        got = proc.stdout.decode("utf-8").splitlines()
        check("%s: %d parameter%s, as the parameters cell of %s has them:\n%s" % (
            name, len(want), "" if len(want) == 1 else "s", args.notebook,
            "\n".join("  " + line for line in want)), got == want,
            udiff("\n".join(want) + "\n", "\n".join(got) + "\n", "the notebook",
                  name + " --print-parameters"))
    return finish()


if __name__ == "__main__":
    sys.exit(main())
