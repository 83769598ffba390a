#!/usr/bin/python3
"""The course lessons against PyTorch's own pages, run as `python3 PAGE.py`.

  check_pages.py PAGES_DIR [--bin DIR] [--lesson NAME]...

PAGES_DIR holds the pages of pytorch/tutorials' `beginner_source/nlp/` (or of a
translation with the same code, such as PyTorchKorea/tutorials-kr): they are
not this project's to commit, so this check is run by hand, in each release
(Debian 12, 13, sid), not by ctest. For each lesson below it runs the page with
this Python (PYTHONHASHSEED=N, word_embeddings for N = 0, 1 and 12345, the
others for 0) and compares what it prints, byte for byte with object addresses
(" at 0x...>") masked, with

  - the lesson's notebook, its code cells run as one script (notebook_code.py);
  - with --bin DIR, the lesson's default run, DIR/demo_NAME (and
    --python-hash-seed N).

The parity tests tie each program to its notebook in every release; this ties
the notebook, and the program, to the page. Exit 0 when every pair is equal,
1 when one differs (a unified diff is printed), 2 on bad input.
"""
import argparse
import difflib
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NOTEBOOK_CODE = os.path.join(ROOT, "notebooks_port", "support", "notebook_code.py")
sys.path.insert(0, os.path.join(ROOT, "src", "tools"))
from compare import mask_addresses  # noqa: E402  (compare's rule: addresses aside)

# lesson -> (page file, the PYTHONHASHSEED values it is checked under)
LESSONS = {
    "pytorch_intro": ("pytorch_tutorial.py", (0,)),
    "deep_learning_blocks": ("deep_learning_tutorial.py", (0,)),
    "word_embeddings": ("word_embeddings_tutorial.py", (0, 1, 12345)),
    "bilstm_crf": ("advanced_tutorial.py", (0,)),
}


def fail(message):
    print("check_pages: error: %s" % message, file=sys.stderr)
    sys.exit(2)


def run(command, hash_seed):
    env = dict(os.environ, PYTHONHASHSEED=str(hash_seed))
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          check=False)
    if done.returncode != 0:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        raise RuntimeError("%s exited with %d: %s" % (" ".join(command), done.returncode,
                                                       tail[0] if tail else "no message"))
    parts, _ = mask_addresses([("stdout", done.stdout.decode("utf-8"))])
    return parts[0][1]


def compare(name, page_text, other_text):
    if page_text == other_text:
        print("  same: %s" % name)
        return True
    print("  DIFFERS: %s" % name)
    sys.stdout.writelines(difflib.unified_diff(page_text.splitlines(True),
                                               other_text.splitlines(True), "page", name))
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pages_dir")
    ap.add_argument("--bin", metavar="DIR", help="also run DIR/demo_LESSON")
    ap.add_argument("--lesson", action="append", choices=sorted(LESSONS),
                    help="only these lessons (default: all four)")
    args = ap.parse_args()
    python = sys.executable
    ok = True
    try:
        for lesson in args.lesson or LESSONS:
            page, hash_seeds = LESSONS[lesson]
            page_path = os.path.join(args.pages_dir, page)
            if not os.path.isfile(page_path):
                fail("%s: no such page" % page_path)
            notebook = os.path.join(ROOT, "notebooks_port", lesson, lesson + ".ipynb")
            for seed in hash_seeds:
                print("%s (%s, PYTHONHASHSEED=%d):" % (lesson, page, seed))
                expected = run([python, page_path], seed)
                ok &= compare("notebook", expected,
                              run([python, NOTEBOOK_CODE, notebook], seed))
                if args.bin:
                    program = [os.path.join(args.bin, "demo_" + lesson)]
                    if lesson == "word_embeddings":
                        program += ["--python-hash-seed", str(seed)]
                    ok &= compare(os.path.basename(program[0]), expected, run(program, seed))
    except (OSError, RuntimeError) as e:
        fail(e)
    print("every lesson prints what its page prints" if ok else "some lesson differs from its page")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
