"""walkthrough.py --check catches a README that drifted from its sources.

usage: test_walkthrough.py WALKTHROUGH LESSON_DIR DEMO_PROGRAM
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
from checks import check, finish  # noqa: E402

WALKTHROUGH, LESSON_DIR, DEMO = sys.argv[1:4]


def check_rc(lesson_dir):
    proc = subprocess.run([sys.executable, WALKTHROUGH, lesson_dir, "--port", DEMO, "--check"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return proc.returncode, proc.stdout


def expect(what, lesson_dir, rc_wanted, text_wanted=""):
    rc, out = check_rc(lesson_dir)
    check(what, rc == rc_wanted and text_wanted in out, out)


def edit(path, old, new, count=1):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if old not in text:
        raise SystemExit("test setup: %r not in %s" % (old, path))
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(old, new, count))


name = os.path.basename(os.path.normpath(LESSON_DIR))
with tempfile.TemporaryDirectory() as tmp:
    def fresh():
        d = os.path.join(tmp, name)
        shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(LESSON_DIR, d)
        return d

    expect("the committed README is up to date", fresh(), 0, "up to date")

    d = fresh()
    readme = os.path.join(d, "README.md")
    with open(readme, encoding="utf-8") as f:
        m = re.search(r"tensor\(\[\[-?\d\.(\d)", f.read())
    digit = m.group(1)
    edit(readme, m.group(0), m.group(0)[:-1] + ("1" if digit != "1" else "2"))
    expect("an output digit changed in README.md is caught", d, 1, "is stale")

    d = fresh()
    edit(os.path.join(d, name + ".cpp"), "\n    // %% end", "\n    // drifted\n    // %% end")
    expect("a C++ cell changed after the README was generated is caught", d, 1, "drifted")

    d = fresh()
    edit(os.path.join(d, "README.in.md"), "{{cell 6}}\n", "")
    expect("a cell left out of the template is refused", d, 2, "exactly once")

sys.exit(finish())
