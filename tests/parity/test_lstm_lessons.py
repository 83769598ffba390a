"""lstm_equations and lstm_variants beyond their printed output.

  test_lstm_lessons.py dump NOTEBOOK DEMO
      --dump: every tensor the program shows equals, bit for bit, the tensor
      Python has when it runs the notebook's code cells now. A dumped name
      "cell<n>.<expr>" is evaluated as the Python expression <expr> right after
      code cell n (e.g. cell2.inputs[0], cell6.lstm.weight_ih_l0.grad). The
      printed output has 4 decimals; this checks the floats themselves.
  test_lstm_lessons.py bad-input DEMO
      bad flags and values: exit 2, one error line on stderr, nothing on stdout.
"""
import contextlib
import io
import json
import os
import re
import sys
import tempfile

import torch

from checks import check, check_same_tensors, check_usage_errors, finish, run


def notebook_tensors(notebook, keys):
    """Runs the notebook's code cells in order; after cell n evaluates the
    expressions of the keys "cell<n>.<expr>"."""
    wanted = {}
    for key in keys:
        m = re.fullmatch(r"cell(\d+)\.(.+)", key)
        if m:
            wanted.setdefault(int(m.group(1)), []).append((key, m.group(2)))
    with open(notebook, encoding="utf-8") as f:
        nb = json.load(f)
    sources = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    namespace = {"__name__": "__main__"}
    tensors = {}
    for index, source in enumerate(sources, start=1):
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(source, "%s, cell %d" % (notebook, index), "exec"), namespace)
        for key, expr in wanted.get(index, []):
            try:
                value = eval(expr, namespace)
            except Exception as e:  # a name the notebook does not have
                value = e
            tensors[key] = value.detach().clone() if isinstance(value, torch.Tensor) else value
    return tensors


def test_dump(notebook, demo):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "dump.pt")
        rc, out, err = run([demo, "--dump", path])
        check("--dump: the program runs", rc == 0, err)
        if rc != 0:
            return
        dumped = torch.load(path, weights_only=False)  # our own --dump file
    check("--dump: tensors were dumped", len(dumped) >= 5, repr(list(dumped)))
    expected = notebook_tensors(notebook, dumped)
    check_same_tensors(dumped, expected)


def test_bad_input(demo):
    cases = [
        ["--seed", "1.5"],
        ["--seed", "18446744073709551616"],
        ["--input-size", "0"],
        ["--input-size", "1025"],
        ["--hidden-size", "0"],
        ["--hidden-size", "x"],
        ["--seq-len", "0"],
        ["--no-such-flag"],
        ["--dump", "/nonexistent-dir/x.pt"],
    ]
    rc, out, err = run([demo, "--help"])
    check("--help: exit 0, lists --seed", rc == 0 and "--seed" in out and err == "", err)
    if "--proj-size" in out:  # lstm_variants
        cases += [["--proj-size", "4"],  # not below the default --hidden-size 4
                  ["--hidden-size", "3", "--proj-size", "3"],
                  ["--proj-size", "0"],
                  ["--batch-size", "0"]]
    check_usage_errors(demo, cases)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "dump":
        test_dump(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "bad-input":
        test_bad_input(sys.argv[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return finish()


if __name__ == "__main__":
    sys.exit(main())
