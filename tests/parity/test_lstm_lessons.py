"""lstm_equations and lstm_variants beyond their printed output (their --dump:
test_dump.py).

  test_lstm_lessons.py bad-input DEMO
      bad flags and values: exit 2, one error line on stderr, nothing on stdout.
"""
import os
import sys


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
from checks import check, check_usage_errors, finish, run


def test_bad_input(demo):
    cases = [
        ["--seed", "1.5"],
        ["--seed", "18446744073709551616"],
        ["--input-size", "0"],
        ["--input-size", "1025"],
        ["--hidden-size", "0"],
        ["--hidden-size", "x"],
        ["--seq-len", "0"],
        ["--no-such-flag"],
        ["--dump", "/nonexistent-dir/x.pt"],
    ]
    rc, out, err = run([demo, "--help"])
    check("--help: exit 0, lists --seed", rc == 0 and "--seed" in out and err == "", err)
    if "--proj-size" in out:  # lstm_variants
        cases += [["--proj-size", "4"],  # not below the default --hidden-size 4
                  ["--hidden-size", "3", "--proj-size", "3"],
                  ["--proj-size", "0"],
                  ["--batch-size", "0"]]
    check_usage_errors(demo, cases)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "bad-input":
        test_bad_input(sys.argv[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return finish()


if __name__ == "__main__":
    sys.exit(main())
