"""bilstm_crf beyond its printed output (that is parity.bilstm_crf.*):

  test_bilstm_crf.py DEMO
      - --vectorized prints the same decoded paths as the default run (the
        page's loop over next_tag), and scores equal within the printed
        precision (4 decimals: at most one unit apart in the last digit),
        for the default parameters and for --seed 2 --epochs 20;
      - the fused forward algorithm (the default) and the page's graph run
        node by node (--op-by-op) train to the same numbers bit for bit
        (--dump), with and without --vectorized, over 20 epochs.
"""
import os
import re
import sys
import tempfile

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
from checks import check, finish, run

LINE = re.compile(r"^\(tensor\((-?\d+\.\d{4})\), \[([\d, ]*)\]\)$")


def decoded(demo, flags):
    """The (score, path) pairs DEMO prints with FLAGS."""
    rc, out, err = run([demo] + flags)
    check("%s: runs" % " ".join(["demo_bilstm_crf"] + flags), rc == 0 and err == "", err)
    pairs = []
    for line in out.splitlines():
        m = LINE.match(line)
        check("%r is a (score, path) tuple" % line, m is not None)
        if m:
            pairs.append((float(m.group(1)), [int(x) for x in m.group(2).split(",")]))
    return pairs


def test_vectorized(demo):
    for flags in ([], ["--seed", "2", "--epochs", "20"]):
        loop = decoded(demo, flags)
        vectorized = decoded(demo, flags + ["--vectorized"])
        what = " ".join(flags) or "defaults"
        check("%s: two decodings each" % what, len(loop) == 2 and len(vectorized) == 2)
        for n, ((s1, p1), (s2, p2)) in enumerate(zip(loop, vectorized)):
            check("%s, decoding %d: the same path" % (what, n + 1), p1 == p2, "%s\n%s" % (p1, p2))
            check("%s, decoding %d: scores within the printed precision (%s, %s)" %
                  (what, n + 1, s1, s2), abs(s1 - s2) <= 1e-4 + 1e-9)


def test_op_by_op(demo):
    with tempfile.TemporaryDirectory() as tmp:
        for extra in ([], ["--vectorized"]):
            dumps = []
            for graph in ([], ["--op-by-op"]):
                path = os.path.join(tmp, "run%d.pt" % len(dumps))
                flags = ["--epochs", "20", "--dump", path] + extra + graph
                rc, out, err = run([demo] + flags)
                check("demo_bilstm_crf %s: runs" % " ".join(flags), rc == 0 and err == "", err)
                dumps.append((out, torch.load(path, weights_only=False) if rc == 0 else {}))
            (out1, d1), (out2, d2) = dumps
            what = "fused vs --op-by-op%s" % (" (--vectorized)" if extra else "")
            check("%s: the same output" % what, out1 == out2 and out1 != "", out1 + out2)
            same = sorted(d1) == sorted(d2) and len(d1) > 0 and all(
                torch.equal(d1[k], d2[k]) for k in d1)
            check("%s: the same tensors, bit for bit" % what, same, "%r\n%r" % (d1, d2))


if __name__ == "__main__":
    test_vectorized(sys.argv[1])
    test_op_by_op(sys.argv[1])
    sys.exit(finish())
