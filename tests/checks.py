"""What every Python test shares: recording checks (from several threads
too), running a program, a unified diff of two outputs, the exit status, and
the checks every lesson's flags and --dump get.

A test script imports it from the tests/ folder:

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
    from checks import check, finish, run

records each check with check() (or passed() and failed() when it decides
itself), and ends with sys.exit(finish()). Each check prints one line, "ok
WHAT" or "FAIL WHAT", the failure's detail indented below it.
"""
import difflib
import os
import subprocess
import threading

failures = []  # what failed, in order
_passed = [0]
_lock = threading.Lock()


def passed(what, quiet=False, count=1):
    """Records COUNT passed checks; prints "ok   WHAT" unless quiet."""
    with _lock:
        _passed[0] += count
        if not quiet:
            print("ok   " + what, flush=True)


def failed(what, detail=""):
    """Records a failed check; prints "FAIL WHAT" and the detail, indented."""
    with _lock:
        failures.append(what)
        text = "FAIL " + what
        if detail:
            text += "\n" + "\n".join("     " + line for line in str(detail).splitlines())
        print(text, flush=True)


def check(what, condition, detail="", quiet=False):
    """passed(WHAT) if CONDITION, else failed(WHAT, DETAIL); returns CONDITION."""
    if condition:
        passed(what, quiet)
    else:
        failed(what, detail)
    return condition


def passed_count():
    return _passed[0]


def udiff(expected, got, a="python", b="c++"):
    """The unified diff of two texts, EXPECTED labelled A and GOT labelled B."""
    return "".join(difflib.unified_diff(expected.splitlines(True), got.splitlines(True), a, b))


def run(cmd, timeout=None, raw_stdout=False, **kwargs):
    """Runs CMD (stdin empty); returns (exit status, stdout, stderr), stdout
    as bytes when RAW_STDOUT, else as text. The status is None when CMD ran
    past TIMEOUT seconds (and was killed); the outputs are what it wrote."""
    if "input" not in kwargs:
        kwargs.setdefault("stdin", subprocess.DEVNULL)
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=timeout, **kwargs)
        rc, out, err = proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as e:
        rc, out, err = None, e.stdout or b"", e.stderr or b""
    err = err.decode("utf-8", "replace")
    return rc, out if raw_stdout else out.decode("utf-8", "replace"), err


def finish():
    """The exit status: 0 when every check passed. Prints the count."""
    if failures:
        print("%d passed, %d failed: %s" % (_passed[0], len(failures), ", ".join(failures)))
        return 1
    print("all %d checks passed" % _passed[0])
    return 0


def check_usage_errors(program, cases):
    """PROGRAM with each flag list in CASES: exit 2, nothing on stdout, and on
    stderr one line "<program>: error: ..."."""
    name = os.path.basename(program)
    for flags in cases:
        rc, out, err = run([program] + flags)
        lines = err.splitlines()
        check("%s %s: exit 2, one error line, no output" % (name, " ".join(flags)),
              rc == 2 and out == "" and len(lines) == 1 and lines[0].startswith(name + ": error: "),
              "status %s, stdout %r, stderr %r" % (rc, out[:200], err))


def check_same_tensors(dumped, expected):
    """Every tensor in DUMPED (name -> tensor) equals, dtype, shape and bits,
    the one of the same name in EXPECTED (what Python computed)."""
    import torch  # only the parity tests need it

    for key, value in dumped.items():
        theirs = expected.get(key)
        if not isinstance(theirs, torch.Tensor):
            check("%s: Python has it" % key, False,
                  "Python: %r; Python's names: %s" % (theirs, sorted(expected)))
            continue
        same = value.dtype == theirs.dtype and value.shape == theirs.shape and \
            torch.equal(value, theirs)
        check("%s: bit for bit Python's" % key, same, "port:\n%r\nPython:\n%r" % (value, theirs))
