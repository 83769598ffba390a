#!/usr/bin/python3
"""Scaffold a new lesson: notebooks_port/NAME/ from notebooks_port/support/template/.

  new_lesson.py NAME [--root NOTEBOOKS_PORT_DIR]

Writes NAME.ipynb (a seeded notebook: a parameters cell and one example cell),
NAME.cpp (its C++ port), README.in.md (the walk-through) and CMakeLists.txt
(the add_lesson() call, with its parity configurations). `./run new-lesson
NAME` runs this, then builds the lesson and generates its README.md.

NAME must be a C/Python identifier (letters, digits and '_', not starting
with a digit) and must not exist yet: otherwise one error line, exit status 2.
"""
import argparse
import keyword
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATE = os.path.join(HERE, "template")
# template file -> the file it becomes in the lesson folder
FILES = {
    "lesson.ipynb.in": "{name}.ipynb",
    "lesson.cpp.in": "{name}.cpp",
    "README.in.md.in": "README.in.md",
    "CMakeLists.txt.in": "CMakeLists.txt",
}
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def error(message):
    print("new-lesson: error: %s" % message, file=sys.stderr)
    return 2


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("name")
    ap.add_argument("--root", default=os.path.dirname(HERE),
                    help="the lessons' folder (default: notebooks_port)")
    args = ap.parse_args()
    name = args.name
    if not IDENTIFIER.match(name) or keyword.iskeyword(name):
        return error("'%s' is not an identifier (letters, digits and '_', not starting "
                     "with a digit)" % name)
    if name in ("support", "template"):
        return error("'%s' is reserved" % name)
    folder = os.path.join(args.root, name)
    if os.path.lexists(folder):
        return error("a lesson '%s' exists already (%s)" % (name, folder))
    contents = {}
    for template, target in FILES.items():
        with open(os.path.join(TEMPLATE, template), encoding="utf-8") as f:
            contents[target.format(name=name)] = f.read().replace("@NAME@", name)
    os.makedirs(folder)
    for target, text in contents.items():
        with open(os.path.join(folder, target), "w", encoding="utf-8") as f:
            f.write(text)
    print("new-lesson: wrote %s/: %s" % (os.path.relpath(folder), ", ".join(sorted(contents))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
