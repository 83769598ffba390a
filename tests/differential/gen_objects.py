"""Generate the expected output of Python for the objects differential test.

Run with the Python that has torch (/usr/bin/python3):

    gen_objects.py --out OUT.pt [--seed N] [--count N]

Builds, with a fixed seed, a few thousand random nested Python values (None,
bool, int incl. huge, float incl. special values and random bit patterns,
str with quotes / control characters / unicode, bytes, list, tuple, dict,
OrderedDict, torch.Size, torch dtypes, small tensors and Parameters) plus
hand-picked cases, and records for each one

    (value, repr(value), str(value), Jupyter's text/plain of value,
     the output of print(value, 'x', value, sep=' | ', end='<end>\\n'))

in a list saved with torch.save; objects_runner compares its own strings
with these. The text/plain is computed with IPython's PlainTextFormatter
(what the Jupyter kernel puts in an execute_result); the script checks that
it equals IPython.lib.pretty.pretty(value, max_width=79) for every case.

It runs under each supported release's Python (3.11 with torch 1.13, 3.13
with torch 2.6, 3.14 with torch 2.14); objects_runner checks another
release's cases under that release's rules, e.g. with Debian 13's Python in
a chroot whose /wt-python is this worktree:

    chroot TRIXIE /usr/bin/python3 /wt-python/tests/differential/gen_objects.py \\
        --out /wt-python/build/objs_trixie.pt
    build/bin/objects_runner --python-version 3.13 --torch-version 2.6 build/objs_trixie.pt
"""

import argparse
import collections
import io
import math
import random
import struct
import sys

import torch
from IPython.core.formatters import PlainTextFormatter
from IPython.lib.pretty import pretty

PRINT_SEP = " | "
PRINT_END = "<end>\n"

# Characters strings are drawn from: quotes, backslash, the escaped controls,
# other C0/C1 controls, DEL, printable and non-printable non-ASCII (Latin-1,
# combining marks, format characters, line/paragraph separators, CJK, emoji,
# private use, unassigned).
SPECIAL_CHARS = (
    "'\"\\\n\r\t\x00\x01\x07\x08\x0b\x0c\x1b\x1c\x1f\x7f\x80\x85\x9f\xa0\xa1\xad\xe9\xff"
    "\u0100\u0301\u034f\u0378\u200b\u200d\u2028\u2029\u202e\u3000\u4e2d\u6587\ufeff\ufffd"
    "\uffff\ue000\U0001f600\U0001f9ff\U000e0001\U0010ffff\U00020000\U0003134a"
)
ASCII_CHARS = "abcdefghijklmnopqrstuvwxyzABCXYZ0123456789 .,:;-_()[]{}<>=+*/!?#@"


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.budget = 0
        torch.manual_seed(seed)

    # ----- leaves -----------------------------------------------------------
    def gen_int(self):
        r = self.rng
        kind = r.randrange(7)
        if kind == 0:
            return r.randrange(-10, 11)
        if kind == 1:
            return r.randrange(-(10**6), 10**6)
        if kind == 2:
            return r.choice([2**31 - 1, -(2**31), 2**32, 2**63 - 1, -(2**63), 2**63, -(2**63) - 1,
                             2**64, -(2**64), 2**53 + 1, 10**18, -(10**19)])
        if kind == 3:
            return r.randrange(-(2**63), 2**63)
        if kind == 4:
            return r.randrange(-(2**200), 2**200)
        if kind == 5:
            return r.choice([1, -1]) * 10 ** r.randrange(0, 40)
        return r.getrandbits(r.randrange(1, 400)) * r.choice([1, -1])

    def gen_float(self):
        r = self.rng
        kind = r.randrange(8)
        if kind == 0:
            return r.choice([0.0, -0.0, math.inf, -math.inf, math.nan, -math.nan, 5e-324, -5e-324,
                             2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 1 / 3, 2 / 3,
                             0.30000000000000004, 123.0, 1e22, 1e23, 9007199254740993.0])
        if kind == 1:  # random bit patterns: every exponent, subnormals, nan payloads
            return struct.unpack("<d", r.getrandbits(64).to_bytes(8, "little"))[0]
        if kind == 2:  # around the fixed/exponent switch
            e = r.randrange(-8, 20)
            m = r.choice([1, 1.5, 9.999999999999998, 1.2345678901234567, 5, 2.5])
            return r.choice([1, -1]) * m * 10.0**e
        if kind == 3:
            return round(r.uniform(-1000, 1000), r.randrange(0, 8))
        if kind == 4:
            return r.gauss(0, 1) * 10 ** r.randrange(-30, 30)
        if kind == 5:
            return float(r.randrange(-(10**17), 10**17))
        if kind == 6:  # random float32 values widened to double
            return struct.unpack("<f", r.getrandbits(32).to_bytes(4, "little"))[0]
        return r.random()

    def gen_str(self, max_len=24):
        r = self.rng
        n = r.randrange(0, max_len + 1)
        kind = r.randrange(4)
        if kind == 0:
            return "".join(r.choice(ASCII_CHARS) for _ in range(n))
        if kind == 1:
            return "".join(r.choice(ASCII_CHARS + SPECIAL_CHARS) for _ in range(n))
        if kind == 2:  # quote mixes
            return "".join(r.choice("ab'\"\\ ") for _ in range(n))
        # any code point but surrogates
        out = []
        for _ in range(n):
            c = r.choice([r.randrange(0, 0x250), r.randrange(0, 0x3000), r.randrange(0, 0x110000)])
            if 0xD800 <= c <= 0xDFFF:
                c = 0x41
            out.append(chr(c))
        return "".join(out)

    def gen_bytes(self):
        r = self.rng
        n = r.randrange(0, 20)
        if r.randrange(2):
            return bytes(r.randrange(256) for _ in range(n))
        return bytes(r.choice(b"ab'\"\\\n\t\r\x00\x7f\x80\xff ") for _ in range(n))

    def gen_tensor(self):
        r = self.rng
        shape = r.choice([(), (1,), (3,), (5,), (2, 3), (3, 2), (1, 4), (2, 2, 2), (0,), (2, 0),
                          (4, 10)])
        dtype = r.choice([torch.float32, torch.float32, torch.float64, torch.int64, torch.bool])
        if dtype.is_floating_point:
            kind = r.randrange(3)
            if kind == 0:
                t = torch.randn(shape, dtype=dtype)
            elif kind == 1:
                t = torch.randint(-5, 6, shape).to(dtype)
            else:
                t = torch.randn(shape, dtype=dtype) * 10 ** r.randrange(-6, 9)
            if r.randrange(4) == 0:
                t.requires_grad_(True)
        elif dtype == torch.bool:
            t = torch.randint(0, 2, shape).bool()
        else:
            t = torch.randint(-1000, 1000, shape)
        if dtype.is_floating_point and r.randrange(4) == 0:
            return torch.nn.Parameter(t, requires_grad=bool(r.randrange(2)))
        return t

    def gen_leaf(self):
        r = self.rng
        kind = r.randrange(14)
        if kind == 0:
            return None
        if kind == 1:
            return r.choice([True, False])
        if kind in (2, 3):
            return self.gen_int()
        if kind in (4, 5):
            return self.gen_float()
        if kind in (6, 7, 8):
            return self.gen_str()
        if kind == 9:
            return self.gen_bytes()
        if kind == 10:
            return torch.Size([r.randrange(0, 12) for _ in range(r.randrange(0, 5))])
        if kind == 11:
            return r.choice([torch.float32, torch.float64, torch.int64, torch.bool, torch.float16,
                             torch.uint8, torch.complex64])
        return self.gen_tensor()

    def gen_key(self, depth=0):
        r = self.rng
        kind = r.randrange(8)
        if kind == 0:
            return self.gen_int()
        if kind == 1:
            return self.gen_float()
        if kind in (2, 3, 4):
            return self.gen_str(12)
        if kind == 5:
            return r.choice([None, True, False, torch.float32, self.gen_bytes()])
        if kind == 6 and depth < 2:
            return tuple(self.gen_key(depth + 1) for _ in range(r.randrange(0, 3)))
        return torch.Size([r.randrange(0, 5) for _ in range(r.randrange(0, 3))])

    # ----- containers -------------------------------------------------------
    def gen_value(self, depth=0):
        r = self.rng
        if depth >= 4 or self.budget <= 0 or r.random() < 0.35 + 0.1 * depth:
            self.budget -= 1
            return self.gen_leaf()
        n = min(self.budget, r.choice([0, 1, 1, 2, 2, 3, 3, 4, 5, 6, 8, 12]))
        kind = r.randrange(5)
        if kind == 0:
            return [self.gen_value(depth + 1) for _ in range(n)]
        if kind == 1:
            return tuple(self.gen_value(depth + 1) for _ in range(n))
        pairs = [(self.gen_key(), self.gen_value(depth + 1)) for _ in range(n)]
        if kind == 2:
            return collections.OrderedDict(pairs)
        return dict(pairs)

    def gen_width_case(self):
        """Short items whose one-line rendering lands around 79 columns."""
        r = self.rng
        target = r.randrange(60, 100)
        items = []
        width = 2
        while width < target:
            if r.randrange(3) == 0:
                item = r.randrange(0, 10 ** r.randrange(1, 8))
            elif r.randrange(3) == 0 and width > 10:
                item = [self.gen_str(6) for _ in range(r.randrange(1, 4))]
            else:
                item = "x" * r.randrange(0, 15)
            items.append(item)
            width += len(repr(item)) + 2
        wrap = r.randrange(5)
        if wrap == 0:
            return tuple(items)
        if wrap == 1:
            return {i: v for i, v in enumerate(items)}
        if wrap == 2:
            return [items[: len(items) // 2], items[len(items) // 2 :]]
        if wrap == 3:
            return collections.OrderedDict((str(i), v) for i, v in enumerate(items))
        return items


def fixed_cases():
    t1 = torch.tensor([1.0, 1.0])
    t2 = torch.zeros(2, 3)
    od = collections.OrderedDict
    cases = [
        None, True, False, 0, -1, 2**63 - 1, -(2**63), 2**63, -(2**100),
        0.1, 1 / 3, 1e16, 1e15, 1e-5, 1e-4, 5e-324, 1.7976931348623157e308, -0.0, math.nan,
        math.inf, -math.inf, 123.0, 1e22, 0.30000000000000004, 1.5e16, 1e-7, 12345678901234567.0,
        "", "'", '"', "'\"", "a\\b", "\n\r\t\x00\x7f", "é中文😀", "\u2028\x85\xa0\xad", "x" * 200,
        b"", b"'", b'"', b"'\"", b"\x00\xff\\\n",
        [], (), {}, od(), [1], (1,), ((),), [[]], {1: {}}, od([(1, 2)]), od([("a", od())]),
        od([((1, 2), "v")]), [od([("x", od([("y", 2)]))])], od([(1, {"k": od()})]),
        od([("\u2427\u0cf3", "\U0001fae9")]),
        torch.Size([5, 1, 3]), torch.Size([]), torch.Size([0]), torch.float32, torch.int64,
        t1, t2, (t1,), (t2,), [t1, t2, t1], (t1, t2), {"a": t1, "b": t2},
        od([("w", t2), ("b", t1)]), [torch.nn.Parameter(torch.ones(1))],
        torch.nn.Parameter(torch.zeros(2, 2)), [[t2, [t2, (t2,)]], {"k": [t2]}],
        [t1] * 5, [t2.shape, t2.dtype, t2],
        list(range(25)), list(range(26)), list(range(1200)), tuple(range(1001)),
        {i: i for i in range(1005)}, od((i, str(i)) for i in range(1003)),
        ["a" * 74], ["a" * 75], ["a" * 76], ["a" * 35, "b" * 36], ["a" * 35, "b" * 37],
        {"k" * 30: "v" * 42}, {"k" * 30: "v" * 43}, (("a" * 40, "b" * 40),),
    ]
    # Many random float bit patterns (float_repr's shortest digits).
    rng = random.Random(99)
    for _ in range(10):
        cases.append([struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
                      for _ in range(300)])
    # Nested lists whose inner groups compete for breaking (GroupQueue order).
    cases.append([[["a" * 10] * 3] * 3] * 2)
    cases.append([["x" * 20, ["y" * 20, ["z" * 20, "w" * 20]]], "v" * 30])
    return cases


def codepoint_cases(rng):
    """Code points where str.isprintable() changes (both sides of every
    boundary) and a random sample of the others, in strings of 256: checks
    the printable table of str_repr."""
    points = set()
    prev = True
    for c in range(0x20, 0x110000):
        p = chr(c).isprintable()
        if p != prev:
            points.update((c - 1, c))
        prev = p
    points.update(rng.randrange(0, 0x110000) for _ in range(3000))
    points = sorted(c for c in points if not 0xD800 <= c <= 0xDFFF)
    return ["".join(map(chr, points[i : i + 256])) for i in range(0, len(points), 256)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--count", type=int, default=3000)
    args = ap.parse_args()

    gen = Gen(args.seed)
    values = fixed_cases() + codepoint_cases(random.Random(args.seed))
    for i in range(args.count):
        gen.budget = gen.rng.randrange(1, 40)  # leaves per value, keeps the file small
        values.append(gen.gen_width_case() if i % 4 == 0 else gen.gen_value())

    formatter = PlainTextFormatter()
    cases = []
    for i, v in enumerate(values):
        text_plain = formatter(v)
        lib_pretty = pretty(v, max_width=79)
        if text_plain != lib_pretty:
            sys.exit(f"gen_objects: case {i}: PlainTextFormatter and IPython.lib.pretty differ:"
                     f" {text_plain!r} != {lib_pretty!r}")
        out = io.StringIO()
        print(v, "x", v, sep=PRINT_SEP, end=PRINT_END, file=out)
        cases.append((v, repr(v), str(v), text_plain, out.getvalue()))
    torch.save(cases, args.out)
    print(f"gen_objects: {len(cases)} cases -> {args.out}")


if __name__ == "__main__":
    main()
