"""What the parity scripts share: recording checks, running a program, and
the checks every lesson's flags and --dump get.

A script imports it from its own folder (`from checks import check, run`),
records each check with check(), and ends with sys.exit(finish()).
"""
import os
import subprocess

import torch

failures = []


def check(what, condition, detail=""):
    """Prints "ok: WHAT" or "FAILED: WHAT" (and DETAIL), and remembers failures."""
    print("%s: %s" % ("ok" if condition else "FAILED", what))
    if not condition:
        failures.append(what)
        if detail:
            print(detail)


def run(cmd, **kwargs):
    """Runs CMD; returns (exit status, stdout, stderr) as text."""
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode(
        "utf-8", "replace")


def check_usage_errors(program, cases):
    """PROGRAM with each flag list in CASES: exit 2, nothing on stdout, and on
    stderr one line "<program>: error: ..."."""
    name = os.path.basename(program)
    for flags in cases:
        rc, out, err = run([program] + flags)
        lines = err.splitlines()
        check("%s %s: exit 2, one error line, no output" % (name, " ".join(flags)),
              rc == 2 and out == "" and len(lines) == 1 and lines[0].startswith(name + ": error: "),
              "status %d, stdout %r, stderr %r" % (rc, out[:200], err))


def check_same_tensors(dumped, expected):
    """Every tensor in DUMPED (name -> tensor) equals, dtype, shape and bits,
    the one of the same name in EXPECTED (what Python computed)."""
    for key, value in dumped.items():
        theirs = expected.get(key)
        if not isinstance(theirs, torch.Tensor):
            check("%s: Python has it" % key, False,
                  "Python: %r; Python's names: %s" % (theirs, sorted(expected)))
            continue
        same = value.dtype == theirs.dtype and value.shape == theirs.shape and \
            torch.equal(value, theirs)
        check("%s: bit for bit Python's" % key, same, "port:\n%r\nPython:\n%r" % (value, theirs))


def finish():
    """The exit status: 0 when every check passed."""
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("all checks passed")
    return 0
