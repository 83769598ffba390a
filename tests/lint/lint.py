#!/usr/bin/python3
"""Static checks of the project's C++ code (ctest label `lint`).

  lint.py format --source DIR
      clang-format --dry-run -Werror on every tracked C++ file (.cpp, .hpp,
      .h, .cc; git ls-files, or a walk of src/, notebooks_port/, tests/ and
      cmake/ outside a git checkout), with the repository's .clang-format.
  lint.py tidy --source DIR --build DIR [--jobs N]
      clang-tidy (the repository's .clang-tidy) on every file under src/ in
      the build's compile_commands.json.

Exit status 0 when clean; otherwise 1, with the diagnostics and the command
that fixes formatting.
"""
import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
from checks import check, finish  # noqa: E402

EXTENSIONS = (".cpp", ".hpp", ".h", ".cc")
WALK_DIRS = ("include", "src", "notebooks_port", "tests", "cmake")


# The version the repository's .clang-format and .clang-tidy are written for:
# another clang-format formats some constructs differently, and another
# clang-tidy has other checks. Where it is absent, lint is skipped (ctest
# SKIP_RETURN_CODE) with one line that says so.
PINNED_MAJOR = 14
EXIT_SKIPPED = 77


def major_version(path):
    try:
        out = subprocess.run([path, "--version"], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL).stdout.decode("utf-8", "replace")
    except OSError:
        return None
    m = re.search(r"version (\d+)\.", out)
    return int(m.group(1)) if m else None


def tool(name):
    found = []
    for candidate in ("%s-%d" % (name, PINNED_MAJOR), name):
        path = shutil.which(candidate)
        if path:
            major = major_version(path)
            if major == PINNED_MAJOR:
                return path
            found.append("%s %s" % (candidate, major))
    print("lint: skipped: %s %d (the pinned version) is absent%s" % (
        name, PINNED_MAJOR, "; found " + ", ".join(found) if found else ""), flush=True)
    sys.exit(EXIT_SKIPPED)


def tracked_files(source):
    try:
        out = subprocess.run(["git", "-C", source, "ls-files", "-z"], check=True,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
        names = [n for n in out.decode().split("\0") if n]
    except (OSError, subprocess.CalledProcessError):
        names = []
        for top in WALK_DIRS:
            for root, _, files in os.walk(os.path.join(source, top)):
                names += [os.path.relpath(os.path.join(root, f), source) for f in files]
    return sorted(n for n in names if n.endswith(EXTENSIONS)
                  and os.path.isfile(os.path.join(source, n)))


def check_format(source):
    files = tracked_files(source)
    if not files:
        print("lint: no C++ files found under %s" % source)
        return 1
    proc = subprocess.run([tool("clang-format"), "--dry-run", "-Werror", "--style=file"] + files,
                          cwd=source, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = proc.stdout.decode("utf-8", "replace")
    bad = sorted({line.split(":")[0] for line in out.splitlines() if ": error:" in line})
    check("%d C++ files clang-formatted" % len(files), proc.returncode == 0,
          out[-20000:] + "\n%d of them are not; fix with:\n  clang-format -i %s" % (
              len(bad), " ".join(bad)))
    return finish()


def check_tidy(source, build, jobs):
    db = os.path.join(build, "compile_commands.json")
    try:
        with open(db) as f:
            entries = json.load(f)
    except OSError as e:
        print("lint: cannot read %s: %s (configure with CMAKE_EXPORT_COMPILE_COMMANDS)" % (
            db, e.strerror))
        return 1
    src = os.path.join(os.path.realpath(source), "src") + os.sep
    files = sorted({os.path.realpath(os.path.join(e["directory"], e["file"])) for e in entries})
    files = [f for f in files if f.startswith(src)]
    if not files:
        print("lint: no file under %s in %s" % (src, db))
        return 1
    clang_tidy = tool("clang-tidy")

    def run(path):
        proc = subprocess.run([clang_tidy, "-p", build, "--quiet", path],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        return path, proc.returncode, proc.stdout.decode("utf-8", "replace")

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for path, rc, out in pool.map(run, files):
            diagnostics = [l for l in out.splitlines() if "warning:" in l or "error:" in l]
            check("clang-tidy: " + os.path.relpath(path, source), rc == 0 and not diagnostics,
                  out.strip())
    return finish()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("check", choices=["format", "tidy"])
    ap.add_argument("--source", required=True)
    ap.add_argument("--build")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    if args.check == "format":
        return check_format(args.source)
    if not args.build:
        ap.error("tidy needs --build")
    return check_tidy(args.source, args.build, max(1, args.jobs))


if __name__ == "__main__":
    sys.exit(main())
