#!/usr/bin/python3
"""The core-only tests' expectations, taken from Python (ctest label `unit`).

The core (pyrepr::pyrepr, ptcat) is built and tested where neither LibTorch
nor torch is installed (cmake -DPYREPR_WITH_TORCH=OFF). Its tests compare with
what Python printed, kept beside them in tests/core/:

  fixtures/NAME.pt                  small torch.save files (saved by torch 1.13)
  expected/tensor_data-TORCH.txt    repr() of each case of CASES below
  expected/ptcat-TORCH-PYTHON.txt   print(torch.load(f)) of each fixture

one expected file per release (PyTorch 1.13 with Python 3.11, 2.6 with 3.13,
2.14 with 3.14). test_tensor_data.cpp builds each case's TensorData by hand
and ptcat_stored.cmake runs ptcat on each fixture, under each release's rules.

  make_expected.py --write DIR      write this release's files into DIR
                                    (--fixtures too: the .pt files)
  make_expected.py --check DIR      compare DIR's files for this release with
                                    what this Python prints (the test
                                    unit.core.expected_from_python, in every
                                    build with LibTorch)
"""
import argparse
import collections
import io
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
from checks import check, finish, udiff  # noqa: E402

import torch  # noqa: E402

RELEASES = {(1, 13): "3.11", (2, 6): "3.13", (2, 14): "3.14"}


def release():
    torch_v = tuple(int(x) for x in torch.__version__.split("+")[0].split(".")[:2])
    python_v = "%d.%d" % sys.version_info[:2]
    return "%d.%d" % torch_v, python_v, RELEASES.get(torch_v) == python_v


def cases():
    """(name, print options, thunk making the tensor): test_tensor_data.cpp has each name."""
    def float_matrix():
        return torch.arange(6, dtype=torch.float32).reshape(2, 3) / 3

    def grad_fn():
        x = torch.tensor([0.5, -1.25], requires_grad=True)
        return x * 2

    def float32_under_float64_default():
        torch.set_default_dtype(torch.float64)
        try:
            return repr(torch.tensor([1.5, -2.0], dtype=torch.float32))
        finally:
            torch.set_default_dtype(torch.float32)

    return [
        ("float_matrix", {}, float_matrix),
        ("float_matrix_precision_2", {"precision": 2}, float_matrix),
        ("int64_vector", {}, lambda: torch.tensor([1, -20, 300, 4000])),
        ("bool_matrix", {}, lambda: torch.tensor([[True, False], [False, True]])),
        ("float64_sci", {}, lambda: torch.tensor([1e-8, 1.0, 12345.678], dtype=torch.float64)),
        ("transposed", {}, lambda: torch.arange(6.0).reshape(2, 3).t()),
        ("offset_view", {}, lambda: torch.arange(10.0)[3:7]),
        ("summarized", {}, lambda: torch.arange(2000, dtype=torch.float32)),
        ("edgeitems_zero", {"threshold": 10, "edgeitems": 0}, lambda: torch.arange(20.0)),
        ("requires_grad", {}, lambda: torch.tensor([0.5, -1.25], requires_grad=True)),
        ("grad_fn", {}, grad_fn),
        ("quint8", {}, lambda: torch.quantize_per_tensor(
            torch.tensor([-1.0, 0.0, 0.5, 2.0]), 0.5, 2, torch.quint8)),
        ("complex_conj", {}, lambda: torch.tensor([1 + 2j, -0.5 - 1j], dtype=torch.complex64).conj()),
        ("empty", {}, lambda: torch.empty(0, 3)),
        ("float16", {}, lambda: torch.tensor([0.1, 65504.0], dtype=torch.float16)),
        ("float32_under_float64_default", {}, float32_under_float64_default),
        ("sparse_coo", {}, lambda: torch.sparse_coo_tensor([[0, 1], [1, 0]], [3.0, 4.0], (2, 2))),
    ]


def tensor_data_text():
    out = []
    for name, options, make in cases():
        torch.set_printoptions(**options)
        try:
            t = make()
            text = t if isinstance(t, str) else repr(t)
        finally:
            torch.set_printoptions(profile="default")
        out.append("== %s\n%s\n" % (name, text))
    return "".join(out)


def make_fixtures(directory):
    torch.manual_seed(0)
    os.makedirs(directory, exist_ok=True)
    lstm = torch.nn.LSTM(3, 3)
    torch.save(lstm.state_dict(), os.path.join(directory, "lstm_state_dict.pt"))
    torch.save({"step": 7, "losses": [1.5, 0.25], "name": "lstm", "shape": torch.Size([2, 3]),
                "words": ("the", "dog"), "flag": None, "ids": torch.arange(5)},
               os.path.join(directory, "python_values.pt"))
    x = torch.arange(12, dtype=torch.float64).reshape(3, 4)
    torch.save([x.t(), x[1:, ::2], torch.tensor([True, False]),
                torch.quantize_per_tensor(torch.tensor([0.5, 1.0]), 0.25, 1, torch.qint8),
                torch.sparse_coo_tensor([[0, 2]], [1.0, -1.0], (3,))],
               os.path.join(directory, "views_and_kinds.pt"))


def fixtures(directory):
    return sorted(f for f in os.listdir(directory) if f.endswith(".pt"))


def ptcat_text(directory):
    out = []
    for f in fixtures(directory):
        buf = io.StringIO()
        saved = sys.stdout
        sys.stdout = buf
        try:
            print(torch.load(os.path.join(directory, f)))
        finally:
            sys.stdout = saved
        out.append("== %s\n%s" % (f, buf.getvalue()))
    return "".join(out)


def files(directory):
    torch_v, python_v, _ = release()
    return {
        os.path.join(directory, "expected", "tensor_data-%s.txt" % torch_v): tensor_data_text,
        os.path.join(directory, "expected", "ptcat-%s-%s.txt" % (torch_v, python_v)):
            lambda: ptcat_text(os.path.join(directory, "fixtures")),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", metavar="DIR")
    parser.add_argument("--fixtures", action="store_true")
    parser.add_argument("--check", metavar="DIR")
    args = parser.parse_args()
    torch_v, python_v, supported = release()
    if args.write:
        if args.fixtures:
            make_fixtures(os.path.join(args.write, "fixtures"))
        for path, make in files(args.write).items():
            with open(path, "w") as f:
                f.write(make())
            print("wrote", path)
        return 0
    if not args.check:
        parser.error("--write DIR or --check DIR")
    if not supported:
        print("torch %s with Python %s is not one of the releases with stored expectations: "
              "nothing to check" % (torch_v, python_v))
        return 0
    for path, make in files(args.check).items():
        try:
            with open(path) as f:
                stored = f.read()
        except OSError as e:
            check("%s is stored" % path, False, str(e))
            continue
        got = make()
        check("%s is what torch %s prints" % (os.path.basename(path), torch_v), stored == got,
              udiff(stored, got, "stored", "python"))
    return finish()


if __name__ == "__main__":
    sys.exit(main())
