#!/usr/bin/python3
"""The robustness table: every program against hostile input.

  robustness_table.py ptcat --ptcat BIN
  robustness_table.py lessons --lesson NAME=PROGRAM[,PROGRAM...] [--lesson ...]
  robustness_table.py compare --compare BIN --demo PROGRAM

Each row is: program, input (files generated here at test time with torch),
expected exit status and a fragment of the expected message. Every run must
also:
  - answer within a time limit (no hang),
  - not die by a signal, not print 'terminate called', a Python traceback or
    a sanitizer report,
  - on an error: write nothing to stdout and exactly one line to stderr
    ("<program>: error: ..."; compare's argparse errors may add its usage line),
  - on success: write the result to stdout and nothing to stderr.
Where a file holds a value Python can print (an int, a str, nested
containers), ptcat must print what Python's print(torch.load(f,
weights_only=False)) prints, byte for byte; where it holds something ptcat
does not support (a set, a complex number, a device, another class) the
answer is a clear error.

Lesson programs are probed generically from their --help (every numeric
option just outside its documented range; "abc", "", "nan", "1e999" once per
kind of value, since one parser reads each kind; unknown flags; --dump into a
directory) plus the rows for options a lesson has (--weights: every kind of
bad file, wrong names, wrong shapes; OWN_ROWS: values and combinations
particular to an option).

Exit status 0 when every row passed, 1 otherwise.
"""
import argparse
import collections
import concurrent.futures
import datetime
import io
import os
import random
import re
import shutil
import struct
import sys
import tempfile
import zipfile

import torch

TIMEOUT = float(os.environ.get("ROBUSTNESS_TIMEOUT", "300"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
from checks import failed, finish, passed  # noqa: E402
from checks import run as run_program  # noqa: E402

# Text that means a program did not fail cleanly, whatever its exit status.
FORBIDDEN = ["terminate called", "Traceback (most recent call last)", "AddressSanitizer",
             "LeakSanitizer", "ThreadSanitizer", "UndefinedBehaviorSanitizer", "runtime error:",
             "Segmentation fault", "core dumped", "Aborted"]


def run(cmd):
    """(returncode or None if it hung, stdout bytes, stderr text)."""
    return run_program(cmd, timeout=TIMEOUT, raw_stdout=True)


def check(name, cmd, want_rc, fragments=(), stdout=None, error_prefix=None, usage_lines=0,
          result=None):
    """Runs one row.
    fragments: text the stderr must contain (a string or a list of strings).
    stdout: None (an error row: stdout must be empty), bytes (must be equal),
      or a callable returning a problem text or None.
    error_prefix: how the error line starts ("ptcat: error: ").
    usage_lines: the most stderr lines allowed before the error line for a
      usage block ("usage: ..." and indented lines; argparse prints one).
    result: the row expects a result (stdout, empty stderr) rather than an
      error; default: when want_rc is 0."""
    if isinstance(fragments, str):
        fragments = [fragments]
    if result is None:
        result = want_rc == 0
    rc, out, err = run(cmd)
    problems = []
    if rc is None:
        problems.append("no answer within %g s (hang?)" % TIMEOUT)
    elif rc < 0:
        problems.append("killed by signal %d" % -rc)
    for bad in FORBIDDEN:
        if bad in err:
            problems.append("stderr contains %r" % bad)
    if rc is not None and rc != want_rc:
        problems.append("exit status %d, want %d" % (rc, want_rc))
    lines = err.splitlines()
    if result:
        if err:
            problems.append("stderr not empty: %r" % err[:300])
        if callable(stdout):
            p = stdout(out)
            if p:
                problems.append(p)
        elif stdout is not None and out != stdout:
            problems.append("stdout differs:\n  want %r\n  got  %r" % (stdout[:400], out[:400]))
    else:
        if stdout is None and out:
            problems.append("stdout not empty on an error: %r" % out[:300])
        elif callable(stdout):
            p = stdout(out)
            if p:
                problems.append(p)
        if usage_lines and len(lines) > 1:
            usage = lines[:-1]  # argparse: "usage: prog ..." and its indented continuation
            if not (usage[0].startswith("usage: ") and len(usage) <= usage_lines and
                    all(l.startswith(" ") for l in usage[1:])):
                problems.append("stderr before the error line is not a usage: %r" % err[:600])
            lines = lines[-1:]
        if not err.endswith("\n") or len(lines) != 1:
            problems.append("want one error line on stderr, got %r" % err[:600])
        elif error_prefix and not lines[-1].startswith(error_prefix):
            problems.append("error line %r does not start with %r" % (lines[-1], error_prefix))
        for fragment in fragments:
            if fragment not in err:
                problems.append("message %r lacks %r" % (err.strip()[:400], fragment))
    shown = " ".join(os.path.basename(c) if i == 0 else c for i, c in enumerate(cmd))
    if len(shown) > 160:
        shown = shown[:157] + "..."
    if problems:
        failed(name, "$ %s\n%s" % (shown, "\n".join(problems)))
    else:
        passed("%s: %s" % (name, (lines[-1] if lines else "exit 0")[:150]))
    return rc, out, err


def run_rows(rows):
    """Runs check(**row) for every row on ROBUSTNESS_JOBS workers (each
    program start loads LibTorch, about a second)."""
    jobs = max(1, int(os.environ.get("ROBUSTNESS_JOBS", "2")))
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(lambda kw: check(**kw), rows))


# ---------------------------------------------------------------------------
# Files


class Files:
    """Hostile and harmless inputs, written into a temp dir."""

    def __init__(self, tmp):
        self.tmp = tmp
        rnd = random.Random(4)
        self.missing = self.path("does_not_exist.pt")
        self.empty = self.write("empty.pt", b"")
        self.random = self.write("random.pt", bytes(rnd.randrange(256) for _ in range(4096)))
        self.random_zip_magic = self.write(
            "zip_magic.pt", b"PK\x03\x04" + bytes(rnd.randrange(256) for _ in range(2000)))
        self.text = self.write("text.pt", b"tensor([1., 2.])\n")
        self.directory = os.path.join(tmp, "a_directory")
        os.mkdir(self.directory)

        self.digits = self.path("digits.pt")
        torch.save(torch.tensor([0.1, 5e-324, 1e300, -2.5e-310, 0.5], dtype=torch.float64),
                   self.digits)
        self.small = self.path("small.pt")
        torch.save(torch.arange(4.0), self.small)
        with open(self.small, "rb") as f:
            self.small_bytes = f.read()

        # Zips that are not torch.save files.
        self.zip_flat = self.zip("zip_flat.pt", {"hello.txt": b"hello\n"})
        self.zip_no_pkl = self.zip("zip_no_pkl.pt", {"archive/hello.txt": b"hello\n"})
        self.zip_empty = self.zip("zip_empty.pt", {})
        self.zip_bad_pkl = self.zip("zip_bad_pkl.pt", {"archive/data.pkl": b"not a pickle",
                                                      "archive/version": b"3\n"})
        self.zip_deflated = self.zip("zip_deflated.pt", self.entries(self.small),
                                     zipfile.ZIP_DEFLATED)
        self.zip_lying = self.lying_sizes("zip_lying.pt", self.zip_deflated)
        self.zip_bzip2 = self.zip("zip_bzip2.pt", self.entries(self.small), zipfile.ZIP_BZIP2)
        self.torchscript = self.path("torchscript.pt")
        torch.jit.save(torch.jit.script(torch.nn.Linear(2, 1)), self.torchscript)
        self.legacy = self.path("legacy.pt")
        # the legacy (non-zip) format, its storage bytes cut short
        torch.save(torch.ones(64), self.legacy, _use_new_zipfile_serialization=False)
        with open(self.legacy, "r+b") as fh:
            fh.truncate(os.path.getsize(self.legacy) - 100)

        # Python values other than tensors, each with what Python prints.
        self.values = {}
        for name, obj in [
            ("int", 42),
            ("negative_bigint", -(2 ** 100)),
            ("float", 0.1),
            ("str", "hello 'world'\n\u00e9"),
            ("bytes", b"\x00\xffabc"),
            ("none", None),
            ("bool", True),
            ("list", [1, 2.5, "x", None, [], [[]]]),
            ("tuple", (1,)),
            ("dict", {"a": 1, 2: "b", (3, 4): [5], 1.5: None, None: True}),
            ("ordered_dict", collections.OrderedDict([("b", 1), ("a", {"c": ()})])),
            ("nested_with_tensors", {"t": [torch.ones(2), (torch.tensor(3),)],
                                     "size": torch.Size([2, 3]), "dtype": torch.float16}),
            ("deep_list", [[[[[[[[[[1]]]]]]]]]]),
            ("empty_containers", ([], (), {}, collections.OrderedDict(), "")),
        ]:
            path = self.path("value_%s.pt" % name)
            torch.save(obj, path)
            buf = io.StringIO()
            print(torch.load(path, weights_only=False), file=buf)
            self.values[name] = (path, buf.getvalue().encode("utf-8"))
        # Values ptcat does not support: a clear error, not Python's output.
        self.unsupported = {}
        for name, obj, fragment in [
            ("set", {1, 2}, "builtins.set"),
            ("complex", 1 + 2j, "builtins.complex"),
            ("device", torch.device("cpu"), "torch.device"),
            ("date", datetime.date(2024, 1, 2), "datetime.date"),
            ("storage", torch.ones(2).storage(), "bare storage"),
        ]:
            path = self.path("unsupported_%s.pt" % name)
            torch.save(obj, path)
            self.unsupported[name] = (path, fragment)

        # state_dicts for --weights (an LSTM(3, 3) is the default lesson size).
        torch.manual_seed(0)
        good = torch.nn.LSTM(3, 3).state_dict()
        self.state_dicts = {}
        for name, obj, fragment in [
            ("other_sizes", torch.nn.LSTM(4, 2).state_dict(), "shape"),
            ("wrong_names", {k.replace("l0", "l9"): v for k, v in good.items()}, "missing key"),
            ("extra_key", dict(good, extra=torch.zeros(1)), "unexpected key"),
            ("missing_key", {k: v for k, v in good.items() if k != "bias_hh_l0"}, "bias_hh_l0"),
            ("two_layers", torch.nn.LSTM(3, 3, num_layers=2).state_dict(), "unexpected key"),
            ("int_tensors", {k: v.int() for k, v in good.items()}, "floating"),
            ("not_tensors", {k: 1.0 for k in good}, "not a tensor"),
            ("a_list", [torch.zeros(1)], "not a state_dict"),
            ("an_int", 7, "not a state_dict"),
            ("a_string", "weights", "not a state_dict"),
        ]:
            path = self.path("state_dict_%s.pt" % name)
            torch.save(obj, path)
            self.state_dicts[name] = (path, fragment)
        self.good_state_dict = self.path("state_dict_good.pt")
        torch.save(good, self.good_state_dict)

    @staticmethod
    def python_print(path, flags):
        """What print(torch.load(path)) prints under ptcat's print option flags."""
        opts = dict(zip(flags[::2], flags[1::2]))
        sci = {"true": True, "false": False, "auto": None}[opts.get("--sci-mode", "auto")]
        torch.set_printoptions(precision=int(opts.get("--precision", 4)), sci_mode=sci)
        try:
            buf = io.StringIO()
            print(torch.load(path, weights_only=False), file=buf)
        finally:
            torch.set_printoptions(profile="default", sci_mode=None)
        return buf.getvalue().encode("utf-8")

    def path(self, name):
        return os.path.join(self.tmp, name)

    def write(self, name, data):
        p = self.path(name)
        with open(p, "wb") as f:
            f.write(data)
        return p

    def zip(self, name, entries, method=zipfile.ZIP_STORED):
        p = self.path(name)
        with zipfile.ZipFile(p, "w", method) as z:
            for entry, data in entries.items():
                z.writestr(entry, data)
        return p

    @staticmethod
    def entries(path):
        with zipfile.ZipFile(path) as z:
            return {n: z.read(n) for n in z.namelist()}

    def lying_sizes(self, name, source):
        """The zip with every entry claiming a 4 GB uncompressed size in the
        central directory (a loader must not allocate what a file claims)."""
        b = bytearray(open(source, "rb").read())
        i = 0
        while True:
            i = b.find(b"PK\x01\x02", i)
            if i < 0:
                break
            struct.pack_into("<I", b, i + 24, 0xFFFFFFF0)
            i += 4
        return self.write(name, bytes(b))

    def cuts(self, data, stem, step=1):
        """The file cut at every `step`-th byte (0 .. len-1)."""
        out = []
        for n in range(0, len(data), step):
            out.append(self.write("%s_cut%05d.pt" % (stem, n), data[:n]))
        return out


# The rows every reader of .pt files shares: (name, file, message fragment).
def bad_file_rows(files):
    return [
        ("missing file", files.missing, "No such file or directory"),
        ("empty file", files.empty, "empty file"),
        ("random bytes", files.random, "not a torch.save archive"),
        ("zip signature then random bytes", files.random_zip_magic, "zip archive"),
        ("a text file", files.text, "not a torch.save archive"),
        ("a directory", files.directory, "Is a directory"),
        ("zip of one file outside a folder", files.zip_flat, "not a torch.save file"),
        ("zip without data.pkl", files.zip_no_pkl, "not a torch.save file"),
        ("empty zip", files.zip_empty, "an empty zip archive"),
        ("zip whose data.pkl is not a pickle", files.zip_bad_pkl, "pickle"),
        ("zip claiming 4 GB entries", files.zip_lying, "zip archive"),
        ("zip compressed with bzip2", files.zip_bzip2, "compression"),
        ("TorchScript archive", files.torchscript, "TorchScript"),
        ("legacy format cut short", files.legacy, "runs past the end of the file"),
    ]


# ---------------------------------------------------------------------------
# ptcat


def table_ptcat(ptcat, files):
    err = "ptcat: error: "
    rows = []

    def row(name, cmd, want_rc, fragments=(), **kw):
        rows.append(dict(name=name, cmd=cmd, want_rc=want_rc, fragments=fragments, **kw))

    for name, path, fragment in bad_file_rows(files):
        row("ptcat: " + name, [ptcat, path], 1, [err + path + ": ", fragment])

    # A deflated torch.save file is still a torch.save file (torch.load reads it).
    row("ptcat: zip re-compressed with deflate", [ptcat, files.zip_deflated], 0,
        stdout=b"tensor([0., 1., 2., 3.])\n")

    # Every cut point of a small valid file, in one run: one error line per
    # file, in order, nothing on stdout.
    cuts = files.cuts(files.small_bytes, "small")
    rc, out, errtext = run([ptcat] + cuts)
    lines = errtext.splitlines()
    problems = []
    if rc != 1:
        problems.append("exit status %s, want 1" % rc)
    if out:
        problems.append("stdout not empty: %r" % out[:200])
    if len(lines) != len(cuts):
        problems.append("%d stderr lines for %d files" % (len(lines), len(cuts)))
    for line, path in zip(lines, cuts):
        if not line.startswith(err + path + ": "):
            problems.append("line %r does not name %s" % (line, path))
            break
    for bad in FORBIDDEN:
        if bad in errtext:
            problems.append("stderr contains %r" % bad)
    if problems:
        failed("ptcat: every cut point of a %d-byte file" % len(files.small_bytes),
             "\n     ".join(problems))
    else:
        passed("ptcat: every cut point of a %d-byte file: %d clean errors" % (
            len(files.small_bytes), len(cuts)))
    row("ptcat: the uncut file", [ptcat, files.small], 0, stdout=b"tensor([0., 1., 2., 3.])\n")
    # A full disk: the write fails, and ptcat says so (exit 1), not silently.
    if os.path.exists("/dev/full"):
        row("ptcat: stdout on a full disk", ["sh", "-c", 'exec "$0" "$1" > /dev/full', ptcat,
                                             files.small], 1, "cannot write to stdout",
            error_prefix=err)

    # Large precisions print every digit Python prints (fmt alone stops at 767).
    for flags in (["--precision", "1000", "--sci-mode", "false"],
                  ["--precision", "800", "--sci-mode", "true"], ["--precision", "10000"]):
        row("ptcat: %s as Python prints it" % " ".join(flags), [ptcat] + flags + [files.digits],
            0, stdout=files.python_print(files.digits, flags))

    # Python values: what Python prints.
    for name, (path, expected) in files.values.items():
        row("ptcat: a .pt holding %s (as Python prints it)" % name.replace("_", " "),
            [ptcat, path], 0, stdout=expected)
    for name, (path, fragment) in files.unsupported.items():
        row("ptcat: a .pt holding a %s (unsupported)" % name, [ptcat, path], 1,
            [err + path + ": ", fragment])

    # Flags: exit 2, one line, nothing printed.
    good = files.small
    for name, args, fragment in [
        ("unknown flag", ["--frobnicate"], "--frobnicate"),
        ("unknown short flag", ["-z"], "-z"),
        ("negative precision", ["--precision", "-1"], "--precision"),
        ("non-numeric precision", ["--precision", "four"], "--precision"),
        ("precision beyond int", ["--precision", "99999999999999999999"], "--precision"),
        ("absurd precision", ["--precision", "2000000000"], "--precision"),
        ("linewidth 0", ["--linewidth", "0"], "--linewidth"),
        ("negative linewidth", ["--linewidth", "-80"], "--linewidth"),
        ("negative threshold", ["--threshold", "-1"], "--threshold"),
        ("threshold nan", ["--threshold", "nan"], "--threshold"),
        ("non-numeric threshold", ["--threshold", "lots"], "--threshold"),
        ("negative edgeitems", ["--edgeitems", "-3"], "--edgeitems"),
        ("edgeitems beyond int", ["--edgeitems", "1e30"], "--edgeitems"),
        ("bad sci-mode", ["--sci-mode", "maybe"], "--sci-mode"),
        ("bad profile", ["--profile", "huge"], "--profile"),
        ("empty option value", ["--linewidth", ""], "--linewidth"),
    ]:
        row("ptcat: " + name, [ptcat] + args + [good], 2, fragment, error_prefix=err)
    row("ptcat: option without its value", [ptcat, good, "--precision"], 2, "--precision",
        error_prefix=err)
    row("ptcat: no file at all", [ptcat], 2, "FILE", error_prefix=err)
    row("ptcat: --help", [ptcat, "--help"], 0,
        stdout=lambda out: None if b"--precision" in out else "--help lacks --precision")
    run_rows(rows)


# ---------------------------------------------------------------------------
# lesson programs


def help_options(program):
    """{option: (type text, (lo, hi) or None)} from the program's --help."""
    rc, out, err = run([program, "--help"])
    options = {}
    for line in out.decode("utf-8", "replace").splitlines():
        m = re.match(r"\s+(?:-\w,)?(--[\w-]+)(?: (\S.*?))?(?:\s{2,}|$)", line)
        if not m:
            continue
        type_text = m.group(2) or ""
        r = re.search(r"in \[(-?\d+) - (-?\d+)\]", type_text)
        options[m.group(1)] = (type_text, (int(r.group(1)), int(r.group(2))) if r else None)
    return rc, options


# Refusals the generic probes below do not reach, for options whose parsing or
# checks are their own: a fraction and one past each 64-bit bound for the
# seed, a negative and an infinite learning rate, a value given to a switch,
# and limits that tie two options together. Each list runs on the first
# program that has its option; the error must name the option.
OWN_ROWS = {
    "--seed": [["--seed", "1.5"], ["--seed", str(2 ** 64)], ["--seed", str(-2 ** 63 - 1)]],
    "--lr": [["--lr", "-0.1"], ["--lr", "inf"]],
    "--tutorial": [["--tutorial=maybe"]],
    "--proj-size": [["--proj-size", "4"], ["--hidden-size", "3", "--proj-size", "3"]],
}


def table_lessons(lessons, files):
    """Rows for every lesson program. The demo of each lesson gets them all;
    its scenario programs share its code and get a few."""
    rows = []  # check() keyword arguments

    def row(name, cmd, want_rc, fragments=(), **kw):
        rows.append(dict(name=name, cmd=cmd, want_rc=want_rc, fragments=fragments, **kw))

    # The options every lesson has are lesson::Program's (--seed, the run
    # flags, a stray argument): one piece of code, so their bad values are
    # tried on the first lesson only. Each lesson's own options are declared
    # with their own bounds (lesson/param.hpp), so every bounded option is
    # tried just outside them; what one parser reads for every option of a
    # kind ("INT:INT", "X:NUMBER"), text that is not a number, an empty
    # value, nan and overflow, is tried on the first option of that kind, and
    # a missing value once. (Each row starts a program that loads LibTorch:
    # this table is one of the slowest tests, in every release and under the
    # sanitizers.)
    helps = {}
    for lesson, programs in lessons:
        for program in programs:
            helps[program] = help_options(program)
    option_sets = [set(options) for rc, options in helps.values() if rc == 0]
    shared = set.intersection(*option_sets) if option_sets else set()
    shared_tried = False
    own_tried = set()
    kinds_tried = set()  # "INT:INT", "X:NUMBER", "N" (the --help's value names)
    missing_value_tried = False

    for lesson, programs in lessons:
        for index, program in enumerate(programs):
            name = os.path.basename(program)
            err = name + ": error: "
            rc, options = helps[program]
            if rc != 0 or "--cells-json" not in options:
                failed(name + ": --help", "--help exits %s or lacks --cells-json" % rc)
                continue
            passed("%s: --help lists %s" % (name, " ".join(sorted(options))))
            first = index == 0

            row(name + ": unknown flag", [program, "--frobnicate"], 2, "--frobnicate",
                error_prefix=err)
            if first and not shared_tried:
                row(name + ": stray argument", [program, "stray"], 2, "stray", error_prefix=err)
                row(name + ": --dump into a directory", [program, "--dump", files.directory], 2,
                    "--dump", error_prefix=err)
                row(name + ": --dump into a missing folder",
                    [program, "--dump", os.path.join(files.missing, "x.pt")], 2, "--dump",
                    error_prefix=err)
            if first:
                # Every numeric option out of its range; each kind of value
                # not a number, empty, nan and overflowing.
                numeric = [(option, bounds) for option, (type_text, bounds) in
                           sorted(options.items())
                           if re.match(r"(N|X|INT|UINT|FLOAT|NUMBER)\b", type_text)
                           and (option not in shared or not shared_tried)]
                shared_tried = True
                for option, bounds in numeric:
                    type_text = options[option][0]
                    kind = type_text.split(" in [")[0]  # "INT:INT", "N:UINT", "X:NUMBER"
                    values = []
                    if kind not in kinds_tried:
                        kinds_tried.add(kind)
                        values += ["abc", ""]
                        if not bounds and ("X" in type_text or "FLOAT" in type_text):
                            values += ["nan", "1e999"]
                        elif not bounds:
                            values += ["99999999999999999999999"]
                    if bounds:  # an integer in [lo, hi]
                        values += [str(bounds[0] - 1), str(bounds[1] + 1)]
                    for value in values:
                        row("%s: %s %r" % (name, option, value), [program, option, value], 2,
                            option, error_prefix=err)
                if numeric and not missing_value_tried:
                    missing_value_tried = True
                    option = numeric[-1][0]
                    row("%s: %s without its value" % (name, option), [program, option], 2,
                        option, error_prefix=err)
                for option in sorted(set(OWN_ROWS) & set(options) - own_tried):
                    own_tried.add(option)
                    for args in OWN_ROWS[option]:
                        row("%s: %s" % (name, " ".join(args)), [program] + args, 2, option,
                            error_prefix=err)

            if "--weights" not in options:
                continue
            bad_files = bad_file_rows(files) if first else bad_file_rows(files)[:2]
            for what, path, fragment in bad_files:
                row("%s: --weights %s" % (name, what), [program, "--weights", path], 2,
                    ["--weights " + path + ": ", fragment], error_prefix=err)
            for what, (path, fragment) in sorted(files.state_dicts.items()):
                if first or what == "other_sizes":
                    row("%s: --weights state_dict %s" % (name, what.replace("_", " ")),
                        [program, "--weights", path], 2, fragment, error_prefix=err)
            if first:
                # Truncations of a real state_dict at 8 cut points (ptcat's
                # rows cut a file at every byte; --weights uses the same loader).
                with open(files.good_state_dict, "rb") as f:
                    data = f.read()
                for path in files.cuts(data, "state_dict", step=len(data) // 8 + 1):
                    row("%s: --weights cut at %d of %d bytes" % (
                        name, os.path.getsize(path), len(data)), [program, "--weights", path], 2,
                        "--weights " + path + ": ", error_prefix=err)
                row(name + ": --weights of the right shape",
                    [program, "--weights", files.good_state_dict], 0,
                    stdout=lambda out: None if b"tensor(" in out else "no tensor printed")

    run_rows(rows)


# ---------------------------------------------------------------------------
# compare


def table_compare(compare, demo, files):
    err = "compare: error: "
    py = [sys.executable, compare]
    outputs = files.path("outputs.json")
    with open(outputs, "w") as f:
        f.write('{"cells": [{"index": 1, "stream": "", "result": null}]}')
    unexecuted = files.path("unexecuted.ipynb")
    with open(unexecuted, "w") as f:
        f.write('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": '
                '[{"cell_type": "code", "source": "1", "metadata": {}, "outputs": []}]}')
    bad_json = {
        "not JSON": (files.random, "not JSON"),
        "empty": (files.empty, "not JSON"),
        "a .pt file": (files.small, "not JSON"),
        "a JSON number": (files.write("number.json", b"42"), "not a cells document"),
        "cells not a list": (files.write("cells.json", b'{"cells": 3}'), "not a cells document"),
        "a cell not an object": (files.write("cell.json", b'{"cells": [7]}'), "cell 1"),
        "a cell with a bad stream": (files.write("stream.json", b'{"cells": [{"stream": 1}]}'),
                                     "cell 1"),
        "a notebook with odd cells": (files.write("odd.ipynb", b'{"nbformat": 4, "cells": [1]}'),
                                      "not a notebook"),
        "a notebook output without data": (files.write(
            "nodata.ipynb", b'{"nbformat": 4, "cells": [{"cell_type": "code", "outputs": '
                            b'[{"output_type": "execute_result"}]}]}'), "not a notebook"),
        "an unexecuted notebook": (unexecuted, "no outputs"),
        "a missing file": (files.missing, "cannot read"),
        "a directory": (files.directory, "cannot read"),
    }
    for name, (path, fragment) in bad_json.items():
        check("compare: --outputs " + name, py + ["--outputs", path, "--port", demo], 2,
              fragment, error_prefix=err)
    for name, path, fragment in [("missing", files.missing, "cannot read"),
                                 ("empty", files.empty, "not a notebook"),
                                 ("random bytes", files.random, "not a notebook"),
                                 ("a directory", files.directory, "cannot read")]:
        check("compare: --notebook " + name, py + ["--notebook", path, "--port", demo], 2,
              fragment, error_prefix=err)
    # The notebook is never run for these: argparse or the checks refuse first.
    usage = dict(usage_lines=8)
    for name, args, fragment, kw in [
        ("unknown flag", ["--frobnicate"], "--frobnicate", usage),
        ("parameter without =", ["-p", "SEED"], "NAME=VALUE", usage),
        ("parameter with a newline", ["-p", "SEED=1\n2"], "newline", usage),
        ("negative tolerance", ["--numeric", "--tolerance", "-1"], "--tolerance", usage),
        ("tolerance nan", ["--numeric", "--tolerance", "nan"], "--tolerance", usage),
        ("tolerance without --numeric", ["--tolerance", "1"], "--numeric", usage),
        ("timeout 0", ["--timeout", "0"], "--timeout", usage),
        ("timeout abc", ["--timeout", "abc"], "--timeout", usage),
        ("bad lesson name", ["../etc"], "bad lesson name", {}),
        ("unknown lesson", ["no_such_lesson"], "no lesson", {}),
        ("--save-outputs with --outputs", ["--outputs", outputs, "--save-outputs",
                                           files.path("x.json")], "--save-outputs", {}),
    ]:
        check("compare: " + name, py + args, 2, fragment, error_prefix=err, **kw)

    no_result = lambda out: "a result line on an error" if b"result:" in out else None
    for name, port, fragment in [
        ("missing", files.missing, "cannot run"),
        ("not a program", files.small, "cannot run"),
        ("a directory", files.directory, "cannot run"),
        ("printing nothing", shutil.which("true") or "/bin/true", "no valid JSON"),
        ("failing", shutil.which("false") or "/bin/false", "exited with status 1"),
    ]:
        check("compare: --port " + name, py + ["--outputs", outputs, "--port", port], 2, fragment,
              stdout=no_result, error_prefix=err)
    check("compare: a parameter the port does not know",
          py + ["--outputs", outputs, "--port", demo, "-p", "NO_SUCH=1"], 2, "--no-such",
          stdout=no_result, error_prefix=err)
    check("compare: a bad parameter value for the port",
          py + ["--outputs", outputs, "--port", demo, "-p", "SEQ_LEN=0"], 2, "--seq-len",
          stdout=no_result, error_prefix=err)
    # Saved outputs that differ from the port: exit 1, a diff on stdout, no error.
    rc, out, errtext = check("compare: outputs that differ", py + ["--outputs", outputs, "--port",
                                                                   demo], 1,
                             stdout=lambda out: None if b"differs" in out else "no 'differs'",
                             result=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("part", choices=["ptcat", "lessons", "compare"])
    ap.add_argument("--ptcat")
    ap.add_argument("--lesson", action="append", default=[], metavar="NAME=PROGRAM,...")
    ap.add_argument("--compare")
    ap.add_argument("--demo")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="robustness_")
    try:
        files = Files(tmp)
        if args.part == "ptcat":
            table_ptcat(args.ptcat, files)
        elif args.part == "lessons":
            lessons = []
            for spec in args.lesson:
                name, _, programs = spec.partition("=")
                lessons.append((name, [p for p in programs.split(",") if p]))
            table_lessons(lessons, files)
        else:
            table_compare(args.compare, args.demo, files)
    finally:
        if args.keep:
            print("files kept in " + tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
