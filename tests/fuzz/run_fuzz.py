#!/usr/bin/python3
"""Runs a libFuzzer target over the committed corpus, or fuzzes for a while.

  run_fuzz.py corpus --fuzzer BIN --corpus DIR --workdir DIR
      every input in DIR/seed and DIR/regression, once: none may crash.
  run_fuzz.py fuzz --fuzzer BIN --corpus DIR --workdir DIR --seconds N [--keep-corpus]
                   [-- LIBFUZZER ARGS]
      mutates from those inputs for N seconds (a working copy of the corpus
      lives in WORKDIR/corpus, so the source tree is never written;
      --keep-corpus goes on from what an earlier run left there).

A crash, sanitizer report, leak, timeout (30 s per input) or out-of-memory
(2 GB) fails: the input is kept in WORKDIR/artifacts/ and the message says
how to turn it into a regression input. Exit status: 0 clean, 1 otherwise.
"""
import argparse
import glob
import os
import shutil
import subprocess
import sys

# Per input: 30 s unless --timeout says otherwise (the slowest seeds take
# well under 5 s with the sanitizers on an idle machine), 2 GB; a malloc over
# 2 GB counts as a bug too (the loader must refuse such sizes before
# allocating).
LIMITS = ["-rss_limit_mb=2048", "-malloc_limit_mb=2048"]


def inputs(corpus):
    files = []
    for sub in ("seed", "regression"):
        files += sorted(p for p in glob.glob(os.path.join(corpus, sub, "*")) if os.path.isfile(p))
    return files


def explain(args, artifacts):
    found = sorted(glob.glob(os.path.join(artifacts, "*")))
    target = os.path.basename(args.corpus.rstrip("/"))
    print("\nFAILED: %s found a bug." % os.path.basename(args.fuzzer))
    for path in found:
        print("  input: %s" % path)
    print("Reproduce:  %s INPUT" % args.fuzzer)
    print("Then copy INPUT to tests/fuzz/corpus/%s/regression/ (named after the bug), fix it,"
          " and commit both." % target)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["corpus", "fuzz"])
    ap.add_argument("--fuzzer", required=True)
    ap.add_argument("--corpus", required=True, help="corpus/<target> in the source tree")
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--keep-corpus", action="store_true",
                    help="keep WORKDIR/corpus from earlier runs (a long fuzz goes on from it)")
    ap.add_argument("--dict", help="a libFuzzer dictionary (tokens the mutations insert)")
    ap.add_argument("--timeout", type=int, default=30,
                    help="seconds (wall clock) one input may take before it counts as a hang")
    ap.add_argument("extra", nargs="*", help="more libFuzzer arguments (after --)")
    args = ap.parse_args()

    files = inputs(args.corpus)
    if not files:
        print("no inputs in %s/seed or %s/regression" % (args.corpus, args.corpus))
        return 1
    artifacts = os.path.join(args.workdir, "artifacts")
    shutil.rmtree(artifacts, ignore_errors=True)
    os.makedirs(artifacts)
    common = ([args.fuzzer, "-artifact_prefix=" + artifacts + "/", "-timeout=%d" % args.timeout]
              + LIMITS + args.extra)
    if args.dict:
        common.append("-dict=" + args.dict)

    if args.mode == "corpus":
        # With files (not directories) libFuzzer runs each once and stops.
        print("running %d inputs from %s" % (len(files), args.corpus), flush=True)
        proc = subprocess.run(common + files, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out = proc.stdout.decode("utf-8", "replace")
        if proc.returncode != 0:
            print(out[-20000:])
            explain(args, artifacts)
            return 1
        ran = out.count("Running: ")
        if ran != len(files):
            print(out[-5000:])
            print("FAILED: ran %d of %d inputs" % (ran, len(files)))
            return 1
        print("ok: %d inputs, no crash" % ran)
        return 0

    work = os.path.join(args.workdir, "corpus")
    if not args.keep_corpus:
        shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work, exist_ok=True)
    for path in files:
        shutil.copy(path, os.path.join(work, os.path.basename(path)))
    cmd = common + ["-max_total_time=%d" % args.seconds, "-print_final_stats=1", work]
    print(" ".join(cmd), flush=True)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = proc.stdout.decode("utf-8", "replace")
    if proc.returncode != 0:
        print(out[-20000:])
        explain(args, artifacts)
        return 1
    lines = out.splitlines()
    coverage = [l for l in lines if " cov: " in l][-1:]  # the last status line
    stats = coverage + [l for l in lines if l.startswith("stat::")]
    print("\n".join(stats) or out[-2000:])
    print("ok: fuzzed %d s, no crash (%d inputs in the working corpus)" % (
        args.seconds, len(os.listdir(work))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
