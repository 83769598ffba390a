"""--chart FILE.svg: the lessons' charts, drawn by gnuplot.

  test_charts.py BENCHMARK POS_TAGGER CHAR_LSTM_TAGGER LESSONS_DIR

Each program draws its chart (short runs: --mode smoke, a few epochs): a valid
SVG document whose series (gnuplot's <g id="gnuplot_plot_N"><title>) are the
expected ones, each with a drawn line; an unwritable --chart is one error line,
exit status 2, before any work. Every chart committed in a lesson folder
(which its walk-through shows) is valid SVG with the same series (a loss.svg:
"loss").
"""
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
from checks import check, finish

SVG = "{http://www.w3.org/2000/svg}"


def series(path):
    """The series titles of a gnuplot SVG, in order, and whether each has a path."""
    root = ET.parse(path).getroot()
    if root.tag != SVG + "svg":
        raise ValueError("root element %s, not svg" % root.tag)
    found = []
    for g in root.iter(SVG + "g"):
        if g.get("id", "").startswith("gnuplot_plot_"):
            title = g.find(SVG + "title")
            drawn = any(True for _ in g.iter(SVG + "path"))
            found.append((title.text if title is not None else None, drawn))
    return found


def check_chart(what, path, want):
    try:
        got = series(path)
    except (OSError, ET.ParseError, ValueError) as e:
        check("%s: a valid SVG" % what, False, str(e))
        return
    check("%s: a valid SVG" % what, True)
    check("%s: series %s" % (what, want), [t for t, _ in got] == want, got)
    check("%s: every series drawn" % what, got and all(d for _, d in got), got)


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def main():
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    benchmark, pos_tagger, char_tagger, lessons = sys.argv[1:]
    both = ["C++ stepwise", "C++ batched", "Python stepwise", "Python batched"]
    with tempfile.TemporaryDirectory() as tmp:
        csv = os.path.join(tmp, "b.csv")
        cases = [
            ("lstm_benchmark", [benchmark, "--mode", "smoke", "--csv", csv], both),
            ("lstm_benchmark --no-python",
             [benchmark, "--mode", "smoke", "--no-python", "--csv", csv], both[:2]),
            ("pos_tagger", [pos_tagger, "--epochs", "30"], ["loss"]),
            ("char_lstm_tagger", [char_tagger, "--epochs", "20"], ["loss"]),
        ]
        for n, (what, cmd, want) in enumerate(cases):
            path = os.path.join(tmp, "chart%d.svg" % n)
            rc, out, err = run(cmd + ["--chart", path])
            # (lstm_benchmark reports its progress on stderr)
            check("%s --chart: exit 0, no error" % what, rc == 0 and "error" not in err, err)
            check_chart(what, path, want)
            rc, out, err = run(cmd + ["--chart", os.path.join(tmp, "no", "such", "dir.svg")])
            check("%s: unwritable --chart: exit 2, one error line, before any output" % what,
                  rc == 2 and out == "" and len(err.splitlines()) == 1
                  and "--chart: cannot write" in err, (rc, out, err))
    # Every chart a lesson commits (a new lesson's too): its series are the
    # known ones where this test knows them, else any, each drawn; and the
    # lesson's walk-through shows it.
    known = {("lstm_benchmark", "lstm_benchmark.svg"): both}
    committed = sorted((folder, name) for folder in os.listdir(lessons)
                       if os.path.isdir(os.path.join(lessons, folder))
                       for name in os.listdir(os.path.join(lessons, folder))
                       if name.endswith(".svg"))
    check("the lessons commit charts", len(committed) >= 3, committed)
    for folder, name in committed:
        path = os.path.join(lessons, folder, name)
        want = known.get((folder, name), ["loss"] if name == "loss.svg" else None)
        if want is None:
            want = [t for t, _ in series(path)]
            check("committed %s/%s: named series" % (folder, name), want and all(want), want)
        check_chart("committed %s/%s" % (folder, name), path, want)
        with open(os.path.join(lessons, folder, "README.md"), encoding="utf-8") as f:
            check("%s's walk-through shows %s" % (folder, name), "](%s)" % name in f.read())
    return finish()


if __name__ == "__main__":
    sys.exit(main())
