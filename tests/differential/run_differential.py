#!/usr/bin/python3
"""Drive a differential runner over freshly generated cases.

  run_differential.py --generator gen_tensors.py --runner build/bin/tensors_runner \
      --count 5000 [--chunk 5000] [--seed 1] [--workdir DIR]

Cases are generated at test time by /usr/bin/python3 (the torch oracle) in
chunks of --chunk (so a 100,000-case soak never holds one huge file), each
chunk with its own seed (seed, seed+1, ...). Exit 0 only when every runner
exits 0. The seed and the chunk are printed, so any failure is reproducible.
"""
import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
from checks import check, finish  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument('--generator', required=True)
    ap.add_argument('--runner', required=True)
    ap.add_argument('--count', type=int, default=5000)
    ap.add_argument('--chunk', type=int, default=5000)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--workdir')
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        done = 0
        chunk_no = 0
        while done < args.count:
            n = min(args.chunk, args.count - done)
            seed = args.seed + chunk_no
            path = os.path.join(tmp, f'cases_{seed}.pt')
            subprocess.run([sys.executable, args.generator, '--seed', str(seed), '--count', str(n),
                            '--out', path], check=True)
            print(f'chunk seed={seed} count={n}:', flush=True)
            r = subprocess.run([args.runner, path])
            check(f'chunk seed={seed}: the runner agrees with Python', r.returncode == 0,
                  f'rerun: {args.generator} --seed {seed} --count {n} --out cases.pt && '
                  f'{args.runner} cases.pt')
            os.unlink(path)
            done += n
            chunk_no += 1
    return finish()


if __name__ == '__main__':
    sys.exit(main())
