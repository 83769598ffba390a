"""A lesson's --dump against its notebook, run by Python now.

  test_dump.py NOTEBOOK DEMO [--ptcat PTCAT]

DEMO --dump saves (lesson/notebook.hpp, Notebook) the tensors each cell shows
and the registered variables a cell changed. Python runs the notebook's code
cells in order, as IPython does: print() recorded, and a cell's last
expression displayed (Out[n]) unless it is None. Then:
  - the port shows the tensors Python shows: the same names
    "cell<n>.print<k>[i]..." and "cell<n>.Out..." on both sides;
  - every dumped tensor equals Python's bit for bit (dtype, shape, values):
    a shown one the tensor Python showed, a variable "cell<n>.<name>" the
    value of the expression <name> right after cell n.
The printed output has 4 decimals; this checks the floats themselves. With
--ptcat, also `ptcat diff` of the dump and Python's torch.save of the same
names must find them equal (notebooks_port/support/notebook_dump.py makes
that file for a user).

Python runs the notebook with PYTHONHASHSEED=0, as compare does and as the
port assumes by default (--python-hash-seed 0): the order of a set of str.
The seed is read when Python starts, so the script runs itself again with it.
"""
import io
import os
import sys
import tempfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir))
sys.path.insert(0, os.path.join(HERE, os.pardir, os.pardir, "notebooks_port", "support"))
from checks import check, check_same_tensors, finish, run  # noqa: E402
from notebook_dump import SHOWN, notebook_values  # noqa: E402


def main():
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable] + sys.argv,
                  dict(os.environ, PYTHONHASHSEED="0"))
    if len(sys.argv) not in (3, 5) or (len(sys.argv) == 5 and sys.argv[3] != "--ptcat"):
        print(__doc__, file=sys.stderr)
        return 2
    notebook, demo = sys.argv[1:3]
    ptcat = sys.argv[4] if len(sys.argv) == 5 else None
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "dump.pt")
        rc, out, err = run([demo, "--dump", path])
        check("--dump: the program runs", rc == 0, err)
        if rc != 0:
            return finish()
        dumped = torch.load(path, weights_only=False)  # our own --dump file
        shown, variables = notebook_values(notebook, dumped)
        if ptcat:  # the same comparison through ptcat diff, on Python's torch.save
            theirs = os.path.join(tmp, "python.pt")
            torch.save(dict(shown, **{k: v for k, v in variables.items()
                                      if isinstance(v, torch.Tensor)}), theirs)
            rc, out, err = run([ptcat, "diff", path, theirs])
            check("ptcat diff of the --dump and Python's torch.save: equal (exit 0)",
                  rc == 0 and "0 different, 0 only in one file" in out, out[-3000:] + err)
            # LibTorch's pickle_save wraps the dict in torch.jit._pickle.restore_type_tag
            rc, out, err = run([ptcat, path])
            buf = io.StringIO()
            print(torch.load(path, weights_only=False), file=buf)
            check("ptcat prints the --dump file as print(torch.load(...))",
                  rc == 0 and out == buf.getvalue(), err + out[:2000])
    ours = [k for k in dumped if SHOWN.fullmatch(k)]
    check("the port shows the tensors Python shows (%d)" % len(shown), ours == list(shown),
          "port only: %s\nPython only: %s" % ([k for k in ours if k not in shown],
                                               [k for k in shown if k not in ours]))
    check("tensors were dumped", len(dumped) > 0, repr(list(dumped)))
    check_same_tensors(dumped, dict(shown, **variables))
    return finish()


if __name__ == "__main__":
    sys.exit(main())
