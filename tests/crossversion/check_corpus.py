#!/usr/bin/python3
"""Check a build against a corpus written by make_corpus.py.

  check_corpus.py --bin BUILD/bin CORPUS_DIR [--verbose]

With the corpus's versions (manifest.json: --torch-version T
--python-version P, the rules of the release that wrote it):

  ptcat      on every file, under every print option set: its stdout must be
             byte for byte what that release's print(torch.load(f)) printed;
             where Python raised, one line 'ptcat: error: FILE: <Python's
             message>' and exit status 1. ptcat does not use LibTorch: it
             prints every dtype of every release, whatever the build's
             LibTorch has.
  tensors_runner, objects_runner
             on the corpus's gen_tensors.py and gen_objects.py chunks: every
             case equal to the release's strings.

Prints each failure (what, where, a diff), then 'N passed, M failed' (one
per file and option set, one per tensors_runner case, one per string
objects_runner compares: repr, str, IPython's display and print of each
case); exit status 1 on any failure,
2 on a usage error or an unreadable corpus. With --skip-missing, a corpus
directory that does not exist is one line and exit status 77 (ctest's skip).

A program that does not take --torch-version/--python-version yet is run
without them (with the rules built into it) and a NOTE says so: its results
then only mean something when the corpus comes from the build's own releases.
"""
import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
from checks import failed, finish, passed  # noqa: E402
from checks import run as run_program  # noqa: E402
from checks import udiff as checks_udiff  # noqa: E402

FORMAT = 1
TIMEOUT = 900
SKIPPED = 77



class Tally:
    """The checks (tests/checks.py), each passing one listed only when verbose."""

    def __init__(self, verbose):
        self.verbose = verbose

    def ok(self, what):
        passed(what, quiet=not self.verbose)

    def fail(self, what, detail):
        failed(what, detail)


def udiff(expected, got, a="python", b="build"):
    return checks_udiff(expected, got, a, b)


def run(cmd):
    rc, out, err = run_program(cmd, timeout=TIMEOUT)
    if rc is None:
        raise SystemExit(f"check_corpus: error: {' '.join(cmd[:2])} ran past {TIMEOUT} s")
    return rc, out, err


def help_mentions(binary, flag):
    try:
        rc, out, err = run([binary, "--help"])
    except OSError:
        return False
    return flag in out or flag in err


def error_lines(stderr, paths):
    """{path: message} from ptcat's 'ptcat: error: PATH: message' lines, and
    the lines that are not of that form."""
    by_path, stray = {}, []
    for line in stderr.splitlines():
        for p in paths:
            prefix = f"ptcat: error: {p}: "
            if line.startswith(prefix):
                by_path[p] = line[len(prefix):]
                break
        else:
            stray.append(line)
    return by_path, stray


def check_ptcat(ptcat, version_flags, corpus, manifest, tally):
    """ptcat on all files at once per print option set. Its stdout is the
    outputs of the files that print, in order: it is matched file by file
    against Python's; a file that does not match is run alone, to report it
    and to know how much of the stdout is its own."""
    files = manifest["files"]
    names = list(files)
    paths = {n: os.path.join(corpus, files[n]["file"]) for n in names}
    for fs in manifest["flag_sets"]:
        flags = version_flags + fs["flags"]
        rc, out, err = run([ptcat] + flags + [paths[n] for n in names])
        if rc < 0:
            tally.fail(f"ptcat flags {fs['name']}", f"killed by signal {-rc}")
            continue
        got_errors, stray = error_lines(err, list(paths.values()))
        if stray:
            tally.fail(f"ptcat flags {fs['name']}", f"stderr lines that are not ptcat's error "
                                                    f"lines: {stray[:5]}")
        pos = 0  # how much of the stdout the files so far account for
        in_sync = True
        for n in names:
            what = f"ptcat {fs['name']} / {n}"
            expected = fs["expected"][n]
            message = got_errors.get(paths[n])
            if "error" in expected:
                if message == expected["error"]:
                    tally.ok(what)
                elif message is not None:
                    tally.fail(what, f"Python raised {expected['error']!r}; ptcat's error: "
                                     f"{message!r}")
                else:  # ptcat printed something: how much of the stdout is it?
                    rc1, out1, err1 = run([ptcat] + flags + [paths[n]])
                    if in_sync and out.startswith(out1, pos):
                        pos += len(out1)
                    else:
                        in_sync = False
                    tally.fail(what, f"Python raised {expected['error']!r}; ptcat exit {rc1}, "
                                     f"stderr {err1!r}, printed\n{out1}")
            elif message is not None:
                tally.fail(what, f"ptcat failed: {message!r}; Python printed\n{expected['out']}")
            elif in_sync and out.startswith(expected["out"], pos):
                pos += len(expected["out"])
                tally.ok(what)
            else:
                rc1, out1, err1 = run([ptcat] + flags + [paths[n]])
                if in_sync and out.startswith(out1, pos):
                    pos += len(out1)
                else:
                    in_sync = False  # the rest of the files are checked alone
                if rc1 == 0 and not err1 and out1 == expected["out"]:
                    tally.ok(what)
                else:
                    tally.fail(what, f"exit {rc1}, stderr {err1!r}\n"
                               + udiff(expected["out"], out1))
        if in_sync and pos != len(out):
            tally.fail(f"ptcat flags {fs['name']}",
                       f"{len(out) - pos} bytes of stdout after the last file's output")
        want_rc = 1 if got_errors else 0
        if rc != want_rc:
            tally.fail(f"ptcat flags {fs['name']}", f"exit status {rc}, want {want_rc}")


SUMMARY = re.compile(r"(\d+) cases, (\d+) mismatches")


def check_runner(runner, version_flags, corpus, chunk, tally):
    name = os.path.basename(runner)
    path = os.path.join(corpus, chunk["file"])
    rc, out, err = run([runner] + version_flags + [path])
    if version_flags and rc == 2 and version_flags[0] in err:  # took the flag for a file
        print(f"NOTE: {name} does not take {' '.join(version_flags[::2])} yet: run with the "
              "rules built into it", flush=True)
        rc, out, err = run([runner, path])
    m = None
    for line in out.splitlines():
        m = SUMMARY.search(line) or m
    if rc < 0 or m is None:
        tally.fail(f"{name} {chunk['file']}",
                   f"exit {rc}, no summary line; stderr {err.strip()[:500]!r}")
        return
    cases, mismatches = int(m.group(1)), int(m.group(2))
    if cases != chunk["count"] and name == "tensors_runner":
        tally.fail(f"{name} {chunk['file']}", f"{cases} cases, the corpus has {chunk['count']}")
    # objects_runner compares four strings per case (repr, str, IPython's
    # display, print) and counts each mismatching string.
    per_case = 4 if name == "objects_runner" else 1
    checks = cases * per_case
    unit = "strings" if per_case > 1 else "cases"
    if mismatches or rc != 0:
        failed(f"{name}: {mismatches} of {checks} {unit} differ (exit {rc})",
               ("" if tally.verbose else "the first ones:\n")
               + (out if tally.verbose else "\n".join(out.splitlines()[:60])))
    passed(f"{name}: {checks} {unit}, 0 mismatches", quiet=bool(mismatches),
           count=max(checks - mismatches, 0))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True, help="the build's bin directory (ptcat, runners)")
    ap.add_argument("corpus")
    ap.add_argument("--verbose", action="store_true", help="list every passing check too")
    ap.add_argument("--skip-missing", action="store_true",
                    help="a corpus directory that does not exist yet: one line, exit status 77 "
                         "(ctest's skip)")
    args = ap.parse_args()

    if args.skip_missing and not os.path.isdir(args.corpus):
        print(f"check_corpus: skipped: no corpus at {args.corpus} yet "
              "(./run matrix writes one per release)")
        return SKIPPED

    try:
        with open(os.path.join(args.corpus, "manifest.json"), encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        print(f"check_corpus: error: {args.corpus}: cannot read manifest.json: {e}",
              file=sys.stderr)
        return 2
    if manifest.get("format") != FORMAT:
        print(f"check_corpus: error: manifest format {manifest.get('format')!r}, "
              f"expected {FORMAT}", file=sys.stderr)
        return 2
    binaries = {b: os.path.join(args.bin, b) for b in ("ptcat", "tensors_runner", "objects_runner")}
    if not os.access(binaries["ptcat"], os.X_OK):
        print(f"check_corpus: error: no ptcat in {args.bin}", file=sys.stderr)
        return 2

    version_flags = ["--torch-version", manifest["torch"], "--python-version", manifest["python"]]
    print(f"corpus {args.corpus}: written by torch {manifest['torch_full']}, Python "
          f"{manifest['python_full']}; checked with {' '.join(version_flags)}", flush=True)
    tally = Tally(args.verbose)
    ptcat_flags = version_flags
    if not help_mentions(binaries["ptcat"], "--torch-version"):
        print("NOTE: ptcat does not take --torch-version/--python-version yet: run with the "
              "rules built into it", flush=True)
        ptcat_flags = []
    check_ptcat(binaries["ptcat"], ptcat_flags, args.corpus, manifest, tally)
    for kind, runner in [("tensors", "tensors_runner"), ("objects", "objects_runner")]:
        if kind not in manifest["chunks"]:
            continue
        if not os.access(binaries[runner], os.X_OK):
            tally.fail(runner, f"not in {args.bin}: the {kind} chunk is not checked")
            continue
        check_runner(binaries[runner], version_flags, args.corpus, manifest["chunks"][kind],
                     tally)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
