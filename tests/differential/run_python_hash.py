#!/usr/bin/python3
"""pyrepr's python_str_hash and python_set_order against the live Python.

  run_python_hash.py --runner build/bin/python_hash_runner [--seed 1]

For the hash seeds 0, 1, 2, 12345, 4294967295 and three random ones, this
Python (sys.executable, the oracle) is run with PYTHONHASHSEED=N and prints
hash(s) of ~2,000 random strings (empty, ASCII, latin-1, BMP with CJK,
astral with emoji; lengths 0-40) and list(set(words)) of random word lists
(1-300 words with duplicates, the sizes at which the table resizes, one past
the used*2 resize of a large set) and of the word list of PyTorch's
word_embeddings_tutorial (Shakespeare's Sonnet 2). python_hash_runner
computes the same lines in C++; they must be equal byte for byte.

Strings travel as 'x' + the hex of their UTF-8, one case a line:
  hash N xHEX            -> hash(s) under PYTHONHASHSEED=N
  set N xHEX xHEX ...    -> list(set(words)), as the same tokens
Exit 0 only when every line matches; the seed is printed for a rerun.
"""
import argparse
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
from checks import check, finish  # noqa: E402

HASH_SEEDS = [0, 1, 2, 12345, 4294967295]
STRINGS_PER_SEED = 2000
RANDOM_SETS_PER_SEED = 60
# Distinct counts around each resize of a set filled from empty: 8 slots grow
# at fill 5, 32 at 19, 128 at 77, 512 at 307, 2048 at 1229 (fill*5 >= mask*3).
RESIZE_SIZES = [4, 5, 6, 18, 19, 20, 76, 77, 78, 306, 307, 308, 1228, 1229, 1230]
# At 131072 slots the 78643rd key resizes with used*2 (used > 50000), not used*4.
LARGE_SET = 80000
MAX_REPORTED = 20

# PyTorch's word_embeddings_tutorial: test_sentence = """...""".split()
SONNET = """When forty winters shall besiege thy brow,
And dig deep trenches in thy beauty's field,
Thy youth's proud livery so gazed on now,
Will be a totter'd weed of small worth held:
Then being asked, where all thy beauty lies,
Where all the treasure of thy lusty days;
To say, within thine own deep sunken eyes,
Were an all-eating shame, and thriftless praise.
How much more praise deserv'd thy beauty's use,
If thou couldst answer 'This fair child of mine
Shall sum my count, and make my old excuse,'
Proving his beauty by succession thine!
This were to be new made when thou art old,
And see thy blood warm when thou feel'st it cold."""

# What the oracle runs, under PYTHONHASHSEED=N: each line's answer.
ORACLE = r'''
import sys
info = sys.hash_info
if info.algorithm != 'siphash13' or info.cutoff != 0:
    sys.exit(f'this Python hashes str with {info.algorithm}, cutoff {info.cutoff}: '
             'pyrepr implements siphash13 with cutoff 0')
def dec(token):
    return bytes.fromhex(token[1:]).decode('utf-8')
def enc(s):
    return 'x' + s.encode('utf-8').hex()
out = []
for line in sys.stdin:
    kind, _seed, *args = line.split()
    if kind == 'hash':
        out.append(str(hash(dec(args[0]))))
    else:
        words = [dec(a) for a in args]
        out.append(' '.join(enc(w) for w in set(words)))
sys.stdout.write(''.join(o + '\n' for o in out))
'''


def enc(s):
    return 'x' + s.encode('utf-8').hex()


def decode(token):
    return bytes.fromhex(token[1:]).decode('utf-8')


def shorten(values, limit=200):
    text = repr(values)
    return text if len(text) <= limit else text[:limit] + '...'


def random_char(rng, kind):
    if kind == 'ascii':
        return chr(rng.randrange(0, 128))
    if kind == 'latin1':
        return chr(rng.randrange(128, 256))
    if kind == 'cjk':
        return chr(rng.randrange(0x4E00, 0xA000))
    if kind == 'bmp':
        c = rng.randrange(0x100, 0x10000)
        return chr(c) if not 0xD800 <= c <= 0xDFFF else 'z'  # no surrogates: not UTF-8
    if kind == 'emoji':
        return chr(rng.randrange(0x1F300, 0x1FB00))
    return chr(rng.randrange(0x10000, 0x110000))  # 'astral'


def random_string(rng):
    """Empty, or 0-40 characters from a mix that picks the PEP 393 kind."""
    n = rng.randrange(0, 41)
    mix = rng.choice([['ascii'], ['ascii', 'latin1'], ['latin1'], ['ascii', 'cjk'], ['bmp'],
                      ['ascii', 'latin1', 'bmp'], ['ascii', 'emoji'], ['cjk', 'astral'],
                      ['ascii', 'latin1', 'cjk', 'emoji', 'astral']])
    s = ''.join(random_char(rng, rng.choice(mix)) for _ in range(n))
    return s


def random_word(rng):
    if rng.random() < 0.8:
        return ''.join(rng.choice('abcdefghijklmnopqrstuvwxyzABCDEFGHIJ\',.;:!-')
                       for _ in range(rng.randrange(1, 11)))
    return random_string(rng)


def word_list(rng, distinct, total):
    """total words drawn from `distinct` different ones, each appearing at least once."""
    pool = set()
    while len(pool) < distinct:
        pool.add(random_word(rng))
    pool = list(pool)
    words = pool + [rng.choice(pool) for _ in range(total - distinct)]
    rng.shuffle(words)
    return words


def cases_for(rng, seed, large):
    lines = []
    strings = ['', 'a', 'When', 'é', '中文', '😀', 'ÿ' * 8, 'Ā' * 4, '\U00010000' * 2]
    strings += [random_string(rng) for _ in range(STRINGS_PER_SEED - len(strings))]
    lines += [f'hash {seed} {enc(s)}' for s in strings]
    word_lists = [SONNET.split()]
    for _ in range(RANDOM_SETS_PER_SEED):
        total = rng.randrange(1, 301)
        word_lists.append(word_list(rng, rng.randrange(1, total + 1), total))
    for n in RESIZE_SIZES:
        word_lists.append(word_list(rng, n, n + rng.randrange(0, n // 2 + 1)))
    if large:
        word_lists.append([f'w{i}' for i in range(LARGE_SET)])
    lines += [f'set {seed} ' + ' '.join(enc(w) for w in words) for words in word_lists]
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument('--runner', required=True)
    ap.add_argument('--seed', type=int, default=1, help='seed of the random cases')
    args = ap.parse_args()
    rng = random.Random(args.seed)
    seeds = HASH_SEEDS + [rng.randrange(3, 2**32) for _ in range(3)]
    lines, expected = [], []
    for i, seed in enumerate(seeds):
        case_lines = cases_for(rng, seed, large=i in (0, len(seeds) - 1))
        env = dict(os.environ, PYTHONHASHSEED=str(seed))
        r = subprocess.run([sys.executable, '-c', ORACLE], input=''.join(l + '\n' for l in case_lines),
                           env=env, capture_output=True, text=True)
        if not check(f'the oracle runs with PYTHONHASHSEED={seed}', r.returncode == 0, r.stderr):
            return finish()
        answers = r.stdout.split('\n')[:-1]
        assert len(answers) == len(case_lines), 'the oracle gave a wrong number of lines'
        lines += case_lines
        expected += answers
        if seed == 0:
            first = [decode(t) for t in answers[STRINGS_PER_SEED].split()[:8]]
            print(f'PYTHONHASHSEED=0 list(set(SONNET.split()))[:8] = {first}')
    r = subprocess.run([args.runner], input=''.join(l + '\n' for l in lines),
                       capture_output=True, text=True)
    got = r.stdout.split('\n')[:-1]
    if not check(f'{args.runner} answers every case', r.returncode == 0 and len(got) == len(expected),
                 f'exit {r.returncode}, {len(got)} lines for {len(expected)} cases: {r.stderr}'):
        return finish()
    mismatches = 0
    for line, want, have in zip(lines, expected, got):
        if want == have:
            continue
        mismatches += 1
        if mismatches > MAX_REPORTED:
            continue
        kind, seed, *tokens = line.split()
        if kind == 'hash':
            print(f'MISMATCH PYTHONHASHSEED={seed} hash({decode(tokens[0])!r})\n'
                  f'  Python: {want}\n  pyrepr: {have}')
            continue
        want = [decode(t) for t in want.split()]
        have = [decode(t) for t in have.split()]
        k = next((i for i, (a, b) in enumerate(zip(want, have)) if a != b),
                 min(len(want), len(have)))
        print(f'MISMATCH PYTHONHASHSEED={seed} list(set(words)), {len(tokens)} words: '
              f'{shorten([decode(t) for t in tokens])}\n'
              f'  first difference at [{k}] of {len(want)} (Python) / {len(have)} (pyrepr)\n'
              f'  Python [{k}:{k + 6}]: {want[k:k + 6]!r}\n  pyrepr [{k}:{k + 6}]: {have[k:k + 6]!r}')
    hashes = sum(l.startswith('hash') for l in lines)
    check(f'hash seeds {seeds}: {hashes} hashes, {len(lines) - hashes} sets, '
          f'{mismatches} mismatches', mismatches == 0,
          f'rerun: {sys.executable} {sys.argv[0]} --runner {args.runner} --seed {args.seed}')
    return finish()


if __name__ == '__main__':
    sys.exit(main())
