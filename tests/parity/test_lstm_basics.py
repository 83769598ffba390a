"""The lstm_basics programs' flags, checked against Python at test time.

  test_lstm_basics.py weights COMPARE NOTEBOOK DEMO STEPWISE BATCHED
      --weights: a state_dict saved by Python now; the notebook loads it
      (WEIGHTS parameter) and every program must print the same, byte for byte.
  test_lstm_basics.py dump DEMO
      --dump: torch.load reads the file, and it holds every tensor shown, in
      the order shown, with the values shown; the flags' extreme values are
      accepted, and --annotate shows the headings and prompts. (Bad flags and
      bad --weights files: tests/robustness/robustness_table.py.)
"""
import json
import os
import re
import sys
import tempfile

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
from checks import check, finish, run


def cells_json(program, *flags):
    rc, out, err = run([program, "--cells-json"] + list(flags))
    if rc != 0:
        raise SystemExit("%s failed (%d): %s" % (program, rc, err))
    return json.loads(out)["cells"]


def test_weights(compare, notebook, demo, stepwise, batched):
    with tempfile.TemporaryDirectory() as tmp:
        torch.manual_seed(7)
        lstm = nn.LSTM(4, 2)
        weights = os.path.join(tmp, "lstm_4x2.pt")
        torch.save(lstm.state_dict(), weights)
        # The same weights as float64 Parameters: load_state_dict converts.
        as_double = os.path.join(tmp, "lstm_4x2_double.pt")
        torch.save({k: nn.Parameter(v.double()) for k, v in lstm.state_dict().items()}, as_double)

        params = ["-p", "WEIGHTS=" + weights, "-p", "INPUT_SIZE=4", "-p", "HIDDEN_SIZE=2"]
        ports = ["--port", demo, "--port", stepwise, "--port", batched]
        rc, out, err = run([sys.executable, compare, "--notebook", notebook] + ports + params)
        check("--weights: notebook and programs identical cell by cell",
              rc == 0 and out.count(": identical") == 13 and "differs" not in out, out + err)

        flags = ["--input-size", "4", "--hidden-size", "2"]
        with_weights = cells_json(demo, "--weights", weights, *flags)
        without = cells_json(demo, *flags)
        check("--weights changes what the LSTM computes (cell 4)",
              with_weights[3]["stream"] != without[3]["stream"])
        check("--weights leaves the random inputs alone (cell 2)",
              with_weights[1]["result"] == without[1]["result"])
        check("--weights: float64 Parameters give the same output",
              cells_json(demo, "--weights", as_double, *flags) == with_weights)


def test_dump(demo):
    with tempfile.TemporaryDirectory() as tmp:
        for flags in ([], ["--seed", "3", "--input-size", "4", "--hidden-size", "2",
                           "--seq-len", "7"]):
            path = os.path.join(tmp, "dump.pt")
            rc, out, err = run([demo, "--cells-json", "--dump", path] + flags)
            check("--dump %s: exit 0" % " ".join(flags), rc == 0, err)
            dumped = torch.load(path, weights_only=False)  # our own --dump file
            text = "".join(c["stream"] + (c["result"] or "") for c in json.loads(out)["cells"])
            shown = text.count("tensor(")
            check("--dump %s: torch.load reads a dict of %d tensors, as many as shown" % (
                " ".join(flags), shown),
                  isinstance(dumped, dict) and len(dumped) == shown and
                  all(isinstance(t, torch.Tensor) for t in dumped.values()),
                  "%d tensors dumped" % len(dumped))
            # Each tensor's repr (grad_fn aside) is the next one shown.
            plain = re.sub(r", grad_fn=<\w+>", "", text)
            pos, missing = 0, []
            for name, t in dumped.items():
                found = plain.find(repr(t), pos)
                if found < 0:
                    missing.append(name)
                else:
                    pos = found + 1
            check("--dump %s: the values shown, in the order shown" % " ".join(flags),
                  not missing, "not found in order: %s" % missing[:5])


def test_accepted(demo):
    """The flags' extreme values that must be accepted, and --annotate (the
    refusals are the robustness table's rows)."""
    for args in (["--seed", "-1"], ["--seed", str(2 ** 64 - 1)], ["--seed", str(-2 ** 63)],
                 ["--input-size", "1", "--hidden-size", "1", "--seq-len", "1"]):
        rc, out, err = run([demo] + args)
        check("demo %s: accepted" % " ".join(args), rc == 0 and out and not err, err)
    rc, out, err = run([demo, "--annotate"])
    check("--annotate: headings and prompts", rc == 0 and "#### 单词分开训练" in out and
          "Out[2]:\n[tensor(" in out and "In [4]:\n" in out, out[:500])


def main():
    what = sys.argv[1] if len(sys.argv) > 1 else ""
    if what == "weights" and len(sys.argv) == 7:
        test_weights(*sys.argv[2:])
    elif what == "dump" and len(sys.argv) == 3:
        test_dump(sys.argv[2])
        test_accepted(sys.argv[2])
    else:
        sys.exit(__doc__)
    sys.exit(finish())


if __name__ == "__main__":
    main()
