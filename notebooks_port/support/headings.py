"""headings.py NOTEBOOK: the markdown heading each code cell sits under, as
the lines of a C++ initializer list (for the main.cpp add_lesson() writes).

A code cell's heading is the last line starting with '#' in the markdown
cells before it ("" before the first). `--annotate` prints it when it
changes from one cell to the next.
"""
import json
import sys


def headings(notebook):
    with open(notebook, encoding="utf-8") as f:
        cells = json.load(f)["cells"]
    heading, out = "", []
    for cell in cells:
        source = cell["source"]
        text = "".join(source) if isinstance(source, list) else source
        if cell["cell_type"] == "markdown":
            for line in text.splitlines():
                if line.startswith("#"):
                    heading = line.rstrip()
        elif cell["cell_type"] == "code":
            out.append(heading)
    return out


def cpp_literal(text):
    """A C++ string literal: UTF-8 bytes as they are, with \\ and " escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


if __name__ == "__main__":
    try:
        print(",\n".join(cpp_literal(h) for h in headings(sys.argv[1])))
    except (OSError, ValueError, KeyError, IndexError) as e:
        sys.exit("headings.py: %s: %s" % (sys.argv[1] if len(sys.argv) > 1 else "", e))
