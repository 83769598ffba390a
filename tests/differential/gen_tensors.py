#!/usr/bin/python3
"""Random tensors and print options, with Python's own repr of each.

Writes a torch.save file: a list of cases, each a dict
  {'name': str, 'tensor': Tensor, 'options': dict (kwargs of set_printoptions),
   'op': str, 'names': list or None, 'expected': str}
The C++ runner (tensors_runner) loads it with pyrepr::load, re-applies the
options and the op, and compares its repr with 'expected' byte for byte.

  op: 'none' | 'requires_grad' (requires_grad_()) | 'clone' | 'neg' | 'mul'
      (t * torch.tensor(2.0): MulBackward0) | 'parameter' (nn.Parameter)
"""
import argparse
import math
import random
import struct
import warnings

import torch

DTYPES = [torch.float32, torch.float64, torch.float16, torch.bfloat16, torch.int8, torch.int16,
          torch.int32, torch.int64, torch.uint8, torch.bool, torch.complex64, torch.complex128]
SPECIAL = [0.0, -0.0, math.nan, -math.nan, math.inf, -math.inf, 1.0, -1.0, 1e-4, 9.99e-5, 1e8,
           1e8 + 8, 1000.0, 1001.0, 0.5, 2.5, -2.5, 65504.0, 1e-7, 6e-8, 3.4e38, 1e-45,
           # powers of ten that are not doubles: 1e23 is 9.999999999999999e+22, just
           # below, and 1e-5 just above (the exponent of their digits at high precision)
           1e15, 1e16, 1e17, 1e22, 1e23, -1e28, 1e31, 1e-5, 1e-10, 9.999999999999999e22]


# Named tensors are gone from torch 2.14.
NAMED_TENSORS = hasattr(torch.Tensor, 'refine_names')


def random_shape(rng):
    nd = rng.choice([0, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 6])
    shape = [rng.choice([0, 1, 1, 2, 2, 3, 4, 5, 7, 8]) if rng.random() < 0.9
             else rng.randint(9, 45) for _ in range(nd)]
    while math.prod(shape) > 4000:
        shape = [max(1, s // 2) for s in shape]
    return shape


def random_floats(rng, shape):
    """float64 values of one of several flavours."""
    kind = rng.choice(['randn', 'int', 'scaled', 'tiny', 'huge', 'mixed', 'special', 'bits'])
    t = torch.randn(shape, dtype=torch.float64)
    if kind == 'int':
        t = torch.randint(-60, 60, shape).double() * rng.choice([1, 1, 100, 1e5])
    elif kind == 'scaled':
        t = t * 10 ** rng.uniform(-9, 11)
    elif kind == 'tiny':
        t = t * 1e-6
    elif kind == 'huge':
        t = t * 1e9
    elif kind == 'mixed':
        t = t * torch.exp(torch.randn(shape, dtype=torch.float64) * 6)
    elif kind == 'bits':  # random bit patterns of float32
        n = max(1, math.prod(shape))
        raw = [struct.unpack('<f', struct.pack('<I', rng.getrandbits(32)))[0] for _ in range(n)]
        t = torch.tensor(raw, dtype=torch.float64)[:math.prod(shape)].reshape(shape)
    if kind == 'special' or rng.random() < 0.25:
        flat = t.view(-1)
        for i in range(flat.numel()):
            if rng.random() < 0.25:
                flat[i] = rng.choice(SPECIAL)
    return t


def random_tensor(rng, dtype):
    shape = random_shape(rng)
    if dtype.is_floating_point:
        t = random_floats(rng, shape).to(dtype)
    elif dtype.is_complex:
        real_dtype = torch.float64 if dtype == torch.complex128 else torch.float32
        re = random_floats(rng, shape).to(real_dtype)
        im = random_floats(rng, shape).to(real_dtype)
        t = torch.complex(re, im)
    elif dtype == torch.bool:
        t = torch.rand(shape) < rng.random()
    else:
        info = torch.iinfo(dtype)
        r = rng.choice([9, 100, 10000, None])
        lo, hi = (info.min, info.max) if r is None else (max(info.min, -r), min(info.max, r))
        t = torch.randint(lo, hi, shape, dtype=torch.int64).to(dtype)
        if r is None and t.numel() and rng.random() < 0.3:
            t.view(-1)[0] = info.min
    # strided views: saved as views, so the loader's strides are exercised too
    if t.dim() >= 2 and rng.random() < 0.2:
        t = t.transpose(0, t.dim() - 1)
    if t.dim() >= 1 and t.size(0) > 2 and rng.random() < 0.1:
        t = t[::2]
    return t


def random_quantized(rng):
    shape = random_shape(rng)
    if not shape:
        shape = [rng.randint(1, 6)]
    x = torch.randn(shape) * rng.choice([1, 10, 0.01])
    dtype = rng.choice([torch.quint8, torch.qint8, torch.qint32])
    if rng.random() < 0.6 or x.numel() == 0:
        scale = rng.choice([0.1, 0.05, 0.025, 1.0, 0.3, 1e-3, 0.123456789])
        zp = 0 if dtype == torch.qint32 else (rng.randint(0, 20) if dtype == torch.quint8
                                              else rng.randint(-10, 10))
        return torch.quantize_per_tensor(x, scale, zp, dtype)
    axis = rng.randrange(x.dim())
    n = x.size(axis)
    scales = torch.tensor([rng.choice([0.1, 0.2, 0.05, 0.5]) for _ in range(n)], dtype=torch.float64)
    zps = torch.tensor([0 if dtype != torch.quint8 else rng.randint(0, 5) for _ in range(n)])
    return torch.quantize_per_channel(x, scales, zps, axis, dtype)


def random_sparse(rng):
    sparse_dims = rng.randint(1, 3)
    shape = [rng.randint(1, 6) for _ in range(sparse_dims)]
    dense = [rng.randint(1, 3) for _ in range(rng.randint(0, 1))]
    nnz = rng.randint(0, 6)
    idx = torch.stack([torch.randint(0, s, (nnz,)) for s in shape]) if nnz else \
        torch.zeros((sparse_dims, 0), dtype=torch.int64)
    dtype = rng.choice([torch.float32, torch.float64, torch.int64, torch.int32])
    vals = (torch.randn([nnz] + dense) * 10).to(dtype)
    t = torch.sparse_coo_tensor(idx, vals, shape + dense)
    return t.coalesce() if rng.random() < 0.5 else t


def random_options(rng):
    opts = {}
    if rng.random() < 0.15:
        opts['profile'] = rng.choice(['default', 'short', 'full'])
    if rng.random() < 0.4:
        opts['precision'] = rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 16, 17, 20])
    if rng.random() < 0.4:
        opts['threshold'] = rng.choice([0, 1, 5, 10, 20, 50, 100, 1000, math.inf])
    if rng.random() < 0.4:
        opts['edgeitems'] = rng.choice([0, 1, 1, 2, 3, 4, 5])
    if rng.random() < 0.4:
        opts['linewidth'] = rng.choice([1, 10, 20, 40, 60, 80, 100, 150, 200])
    if rng.random() < 0.3:
        opts['sci_mode'] = rng.choice([True, False])
    return opts


def make_case(rng, i):
    r = rng.random()
    names = None
    op = 'none'
    if r < 0.05:
        t, kind = random_quantized(rng), 'quantized'
    elif r < 0.09:
        t, kind = random_sparse(rng), 'sparse'
    else:
        dtype = rng.choice(DTYPES)
        t, kind = random_tensor(rng, dtype), str(dtype)
        if dtype.is_floating_point or dtype.is_complex:
            if rng.random() < 0.15:
                op = rng.choice(['requires_grad', 'clone', 'neg', 'mul', 'parameter'])
                if dtype.is_complex and op == 'parameter':
                    op = 'requires_grad'
        if op == 'none' and t.dim() >= 1 and rng.random() < 0.05 and NAMED_TENSORS:
            names = [rng.choice(['N', 'C', 'H', None]) for _ in range(t.dim())]
            if len(set(n for n in names if n)) != len([n for n in names if n]):
                names = None
    return {'name': f'case{i}:{kind}:{list(t.shape)}', 'tensor': t, 'options': random_options(rng),
            'op': op, 'names': names}


def apply_op(t, op, names):
    if names is not None:
        t = t.refine_names(*names)
    if op == 'none':
        return t
    if op == 'parameter':
        return torch.nn.Parameter(t.clone())
    t = t.clone().requires_grad_()
    if op == 'clone':
        return t.clone()
    if op == 'neg':
        return -t
    if op == 'mul':
        return t * torch.tensor(2.0, dtype=t.dtype)
    return t


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--count', type=int, default=5000)
    ap.add_argument('--out', required=True)
    args = ap.parse_args()
    warnings.filterwarnings('ignore')  # named tensors are 'experimental'
    rng = random.Random(args.seed)
    torch.manual_seed(args.seed)
    cases = []
    for i in range(args.count):
        c = make_case(rng, i)
        torch.set_printoptions(profile='default')
        torch.set_printoptions(**c['options'])
        try:
            shown = apply_op(c['tensor'], c['op'], c['names'])
            c['expected'] = repr(shown)
        except RuntimeError as e:
            c['expected'] = 'RuntimeError: ' + str(e).splitlines()[0]
        cases.append(c)
    torch.set_printoptions(profile='default')
    torch.save(cases, args.out)


if __name__ == '__main__':
    main()
