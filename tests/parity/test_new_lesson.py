"""new_lesson.py (./run new-lesson) on good and bad names, in a scratch folder.

  test_new_lesson.py NEW_LESSON_PY

A bad or taken name: exit status 2, one line 'new-lesson: error: ...' on
stderr, nothing written. A good name: the four files, with the name in them
and no template placeholder left; the notebook is an nbformat 4 document whose
first code cell is tagged `parameters` and seeds the generator. (That the
lesson builds and matches its notebook is what parity.new_lesson_probe.*
check.)
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
from checks import check, finish


def run(script, root, name):
    p = subprocess.run([sys.executable, script, name, "--root", root],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def main():
    script = sys.argv[1]
    with tempfile.TemporaryDirectory() as root:
        os.mkdir(os.path.join(root, "taken"))
        for bad in ["9lives", "a-b", "a b", "", "x/y", "../up", "class", "naïve", "support"]:
            rc, out, err = run(script, root, bad)
            lines = err.splitlines()
            check("refused %r: exit 2, one error line, nothing on stdout" % bad,
                  rc == 2 and len(lines) == 1 and lines[0].startswith("new-lesson: error: ")
                  and out == "", (rc, out, err))
        rc, out, err = run(script, root, "taken")
        check("refused an existing lesson", rc == 2 and "exists already" in err, (rc, err))
        check("nothing written for refused names", sorted(os.listdir(root)) == ["taken"],
              os.listdir(root))

        rc, out, err = run(script, root, "my_lesson")
        check("my_lesson: exit 0", rc == 0 and err == "", (rc, err))
        folder = os.path.join(root, "my_lesson")
        want = ["CMakeLists.txt", "README.in.md", "my_lesson.cpp", "my_lesson.ipynb"]
        check("my_lesson: the four files", sorted(os.listdir(folder)) == want,
              os.listdir(folder))
        for name in want:
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                text = f.read()
            check("%s: no placeholder left, names the lesson" % name,
                  "@NAME@" not in text and "my_lesson" in text)
        with open(os.path.join(folder, "my_lesson.ipynb"), encoding="utf-8") as f:
            nb = json.load(f)
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        check("notebook: nbformat 4, code cells without outputs",
              nb["nbformat"] == 4 and code and all(c["outputs"] == [] for c in code))
        first = "".join(code[0]["source"]) if code else ""
        check("notebook: the first code cell is the parameters cell and seeds",
              code and "parameters" in code[0]["metadata"].get("tags", [])
              and "SEED = " in first and "torch.manual_seed(SEED);" in first, first)
        with open(os.path.join(folder, "CMakeLists.txt"), encoding="utf-8") as f:
            cmake = f.read()
        check("CMakeLists.txt: one add_lesson(my_lesson) call with parity configurations",
              cmake.count("add_lesson(my_lesson") == 1 and "PARITY" in cmake, cmake)
        rc, out, err = run(script, root, "my_lesson")
        check("a second time: refused", rc == 2 and "exists already" in err, (rc, err))
    return finish()


if __name__ == "__main__":
    sys.exit(main())
