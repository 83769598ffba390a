"""The lstm_basics programs' flags, checked against Python at test time.

  test_lstm_basics.py weights COMPARE NOTEBOOK DEMO STEPWISE BATCHED
      --weights: a state_dict saved by Python now; the notebook loads it
      (WEIGHTS parameter) and every program must print the same, byte for byte.
  test_lstm_basics.py dump DEMO
      --dump: torch.load reads the file, and it holds every tensor shown, in
      the order shown, with the values shown.
  test_lstm_basics.py bad-input DEMO STEPWISE BATCHED
      bad flags and bad --weights files: exit 2, one error line, no output.
"""
import json
import os
import re
import sys
import tempfile

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
from checks import check, check_usage_errors, finish, run


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


def test_bad_input(demo, stepwise, batched):
    with tempfile.TemporaryDirectory() as tmp:
        torch.manual_seed(0)
        good = nn.LSTM(3, 3).state_dict()
        files = {}

        def save(name, obj):
            files[name] = os.path.join(tmp, name + ".pt")
            torch.save(obj, files[name])

        save("other_sizes", nn.LSTM(4, 2).state_dict())
        save("extra_key", dict(good, extra=torch.zeros(1)))
        save("missing_key", {k: v for k, v in good.items() if k != "bias_hh_l0"})
        save("two_layers", nn.LSTM(3, 3, num_layers=2).state_dict())
        save("a_list", [torch.zeros(1)])
        save("int_tensors", {k: v.int() for k, v in good.items()})
        files["not_a_file"] = os.path.join(tmp, "does_not_exist.pt")
        files["junk"] = os.path.join(tmp, "junk.pt")
        with open(files["junk"], "wb") as f:
            f.write(b"PK\x03\x04 this is not a torch.save archive")

        cases = [["--seed", "abc"], ["--seed", "1.5"], ["--seed", "18446744073709551616"],
                 ["--seed", "-9223372036854775809"], ["--seed", ""],
                 ["--input-size", "0"], ["--input-size", "-1"], ["--input-size", "1025"],
                 ["--hidden-size", "x"], ["--hidden-size", "99999999999999999999999"],
                 ["--seq-len", "0"], ["--seq-len", "10001"], ["--seq-len"],
                 ["--no-such-flag"], ["stray"], ["--dump", tmp], ["--dump", tmp + "/no/dir.pt"]]
        cases += [["--weights", path] for path in files.values()]
        # Every case on the demo; the scenario programs share its code, a few suffice.
        check_usage_errors(demo, cases)
        for program in (stepwise, batched):
            check_usage_errors(program, [["--seed", "abc"], ["--seq-len", "0"],
                                         ["--weights", files["extra_key"]]])
        for args in (["--seed", "-1"], ["--seed", "18446744073709551615"],
                     ["--input-size", "1", "--hidden-size", "1", "--seq-len", "1"]):
            rc, out, err = run([demo] + args)
            check("demo %s: accepted" % " ".join(args), rc == 0 and out and not err, err)
        rc, out, err = run([demo, "--help"])
        check("--help: exit 0 and lists the flags", rc == 0 and "--weights" in out and
              "--cells-json" in out)
        rc, out, err = run([demo, "--annotate"])
        check("--annotate: headings and prompts", rc == 0 and "#### 单词分开训练" in out and
              "Out[2]:\n[tensor(" in out and "In [4]:\n" in out, out[:500])


def main():
    what = sys.argv[1] if len(sys.argv) > 1 else ""
    if what == "weights" and len(sys.argv) == 7:
        test_weights(*sys.argv[2:])
    elif what == "dump" and len(sys.argv) == 3:
        test_dump(sys.argv[2])
    elif what == "bad-input" and len(sys.argv) == 5:
        test_bad_input(*sys.argv[2:])
    else:
        sys.exit(__doc__)
    sys.exit(finish())


if __name__ == "__main__":
    main()
