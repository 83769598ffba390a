"""compare itself: identical on the port, and it catches altered outputs.

Runs the notebook once (saving its executed copy), then feeds compare saved
outputs with deliberate changes: one digit (exact and numeric mode), grad_fn
names only (as another PyTorch version prints them), a missing Out[n], a
missing cell, and bad usage; and --tensors (the port's --dump against the
notebook's values, through ptcat diff).

usage: test_compare.py COMPARE PORT NOTEBOOK
"""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
from checks import check, finish

COMPARE, PORT, NOTEBOOK = sys.argv[1:4]
PYTHON = sys.executable


def compare(*args):
    proc = subprocess.run([PYTHON, COMPARE, "--port", PORT] + list(args),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return proc.returncode, proc.stdout, proc.stderr


def write(path, data):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)


with tempfile.TemporaryDirectory() as tmp:
    executed = os.path.join(tmp, "executed.ipynb")

    # 1. The real notebook against the port; keep the executed notebook.
    rc, out, err = compare("--notebook", NOTEBOOK, "--save-outputs", executed)
    check("compare runs the notebook and reports every cell identical",
          rc == 0 and out.count(": identical") == 6 and "differs" not in out, out + err)

    # 1b. --tensors: the port's --dump against the notebook's values, by ptcat diff.
    rc, out, err = compare("--notebook", NOTEBOOK, "--tensors")
    check("--tensors: ptcat diff finds the port's tensors equal to the notebook's",
          rc == 0 and "tensors (ptcat diff" in out and "0 different, 0 only in one file" in out,
          out + err)

    # 2. The executed .ipynb as saved outputs.
    rc, out, err = compare("--outputs", executed)
    check("an executed .ipynb is accepted as saved outputs", rc == 0 and "differs" not in out,
          out + err)

    # The same outputs as a cells JSON document.
    with open(executed, encoding="utf-8") as f:
        nb = json.load(f)
    cells = []
    for index, cell in enumerate([c for c in nb["cells"] if c["cell_type"] == "code"], 1):
        stream, result = "", None
        for o in cell["outputs"]:
            if o["output_type"] == "stream" and o["name"] == "stdout":
                stream += "".join(o["text"]) if isinstance(o["text"], list) else o["text"]
            elif o["output_type"] == "execute_result":
                t = o["data"]["text/plain"]
                result = "".join(t) if isinstance(t, list) else t
        cells.append({"index": index, "label": "In [%d]" % index, "stream": stream,
                      "result": result})
    check("the saved notebook has the outputs of all 6 code cells",
          len(cells) == 6 and cells[1]["result"] and "StackBackward0" in cells[3]["stream"])
    saved = os.path.join(tmp, "cells.json")
    write(saved, {"cells": cells})
    rc, out, err = compare("--outputs", saved)
    check("a cells JSON is accepted as saved outputs", rc == 0 and out.count(": identical") == 6,
          out + err)

    # 3. One digit changed in Out[2] (the list inputs01).
    altered = json.loads(json.dumps(cells))
    text = altered[1]["result"]
    m = re.search(r"\d\d\d\d\]", text)  # the last digit of the first row's last number
    pos = m.start() + 3
    digit = text[pos]
    new_digit = "7" if digit != "7" else "2"
    altered[1]["result"] = text[:pos] + new_digit + text[pos + 1:]
    path = os.path.join(tmp, "one_digit.json")
    write(path, {"cells": altered})
    rc, out, err = compare("--outputs", path)
    check("one changed digit: exit 1", rc == 1, out + err)
    check("one changed digit: cell 2 differs, the others are identical",
          "cell 2 (In [2]): differs" in out and out.count(": identical") == 5, out)
    check("one changed digit: a unified diff of the cell is printed",
          ("-" + altered[1]["result"].splitlines()[0]) in out and ("+" + text.splitlines()[0]) in out
          and "@@" in out, out)
    rc, out, err = compare("--outputs", path, "--numeric")
    check("one changed digit: --numeric finds it too (beyond half a unit of the last digit)",
          rc == 1 and "cell 2 (In [2]): differs" in out and "number 3" in out, out + err)
    rc, out, err = compare("--outputs", path, "--numeric", "--tolerance", "0.001")
    check("one changed digit: --numeric --tolerance 0.001 accepts it",
          rc == 0 and "cell 2 (In [2]): equal within tolerance" in out, out + err)

    # 4. Only grad_fn names differ (PyTorch 2.x prints MkldnnRnnLayerBackward0).
    renamed = [dict(c, stream=c["stream"].replace("StackBackward0", "MkldnnRnnLayerBackward0"))
               for c in cells]
    path = os.path.join(tmp, "grad_fn.json")
    write(path, {"cells": renamed})
    rc, out, err = compare("--outputs", path)
    check("grad_fn names only: the exact comparison says differs",
          rc == 1 and "cell 4 (In [4]): differs" in out and "cell 5 (In [5]): differs" in out,
          out + err)
    rc, out, err = compare("--outputs", path, "--numeric")
    check("grad_fn names only: --numeric passes and reports the names apart",
          rc == 0 and "cell 4 (In [4]): equal within tolerance" in out and
          "grad_fn names differ: MkldnnRnnLayerBackward0 (notebook) vs StackBackward0" in out,
          out + err)

    # Older PyTorch (the seed's StackBackward) and a value whose sign, and so
    # the column widths, differ: numbers within tolerance, whitespace ignored.
    old = [dict(c, stream=c["stream"].replace("StackBackward0", "StackBackward")) for c in cells]
    old[1]["result"] = old[1]["result"].replace(",  ", ", ").replace("[ ", "[")
    path = os.path.join(tmp, "old.json")
    write(path, {"cells": old})
    rc, out, err = compare("--outputs", path, "--numeric")
    check("StackBackward (PyTorch < 1.10) and other column widths: --numeric passes",
          rc == 0 and "grad_fn names differ: StackBackward (notebook) vs StackBackward0" in out
          and "cell 2 (In [2]): equal within tolerance" in out, out + err)

    # 5. A missing Out[n] and a missing cell.
    no_out = json.loads(json.dumps(cells))
    no_out[2]["result"] = None
    path = os.path.join(tmp, "no_out.json")
    write(path, {"cells": no_out})
    rc, out, err = compare("--outputs", path)
    check("a missing Out[3]: cell 3 differs", rc == 1 and "cell 3 (In [3]): differs" in out,
          out + err)
    path = os.path.join(tmp, "short.json")
    write(path, {"cells": cells[:5]})
    rc, out, err = compare("--outputs", path)
    check("a missing cell: the structure differs", rc == 1 and "structure differs" in out,
          out + err)

    # 6. Bad usage: exit 2 with one error line.
    for args, what in [
        (["--outputs", os.path.join(tmp, "nonexistent.json")], "a missing outputs file"),
        (["--outputs", NOTEBOOK], "an outputs file without outputs"),
        (["--notebook", NOTEBOOK, "-p", "NO_SUCH_PARAMETER=1"], "an unknown parameter"),
        (["--outputs", saved, "-p", "SEQ_LEN=0"], "a value the port refuses"),
        (["--outputs", saved, "-p", "oops"], "a malformed parameter"),
        (["--outputs", saved, "--tensors"], "--tensors without running the notebook"),
    ]:
        rc, out, err = compare(*args)
        check("bad usage (%s): exit 2 with an error message" % what,
              rc == 2 and "error" in err and "Traceback" not in err, out + err)

sys.exit(finish())
