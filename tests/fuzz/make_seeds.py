#!/usr/bin/python3
"""Writes the seed corpora of the fuzz targets (committed; rerun to refresh).

  /usr/bin/python3 tests/fuzz/make_seeds.py
  PYTHON_OF_A_2X_RELEASE tests/fuzz/make_seeds.py --new-forms
  /usr/bin/python3 tests/fuzz/make_seeds.py --formats

corpus/load/seed/*.pt: small torch.save files covering what the loader reads
(every dtype, views sharing a storage, quantized, sparse COO, Parameters,
containers, big ints, torch.Size, dtypes, pickle protocols 2-5).
--new-forms writes only corpus/load/seed/torch<X.Y>_*.pt: what a PyTorch 2.x
torch.save writes that 1.13's does not (_rebuild_tensor_v3 over an
UntypedStorage for its new dtypes, conj/neg metadata, sparse is_coalesced and
compressed layouts, tensors and Parameters with Python state, the byteorder
record); committed from Debian 13's (2.6) and unstable's (2.14) Python.
--formats writes only corpus/safetensors/seed and corpus/numpy/seed (the
other checkpoint formats the reader recognizes by content).
corpus/tensor/seed/*: inputs of fuzz_tensor, one per dtype and layout tweak
(byte layout in fuzz_tensor.cpp).
"""
import collections
import os
import struct
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def load_seeds(out):
    torch.manual_seed(0)
    base = torch.arange(12.0).reshape(3, 4)
    seeds = {
        "float_2d": base,
        "double_neg": -torch.linspace(-2, 3e5, 5, dtype=torch.float64),
        "half_bf16": [torch.tensor([1.5, -0.0, float("inf")], dtype=torch.float16),
                      torch.tensor([3.25, float("nan")], dtype=torch.bfloat16)],
        "ints": (torch.tensor([1, -2], dtype=torch.int8), torch.tensor([255], dtype=torch.uint8),
                 torch.tensor([-7], dtype=torch.int16), torch.tensor([9], dtype=torch.int32),
                 torch.tensor([2**40], dtype=torch.int64)),
        "bool": torch.tensor([[True, False]]),
        "complex": [torch.tensor([1 + 2j, -0.5j], dtype=torch.complex64),
                    torch.tensor([3 - 1j], dtype=torch.complex128)],
        "scalar": torch.tensor(3.5),
        "empty": torch.zeros(0, 3),
        "views": {"t": base.t(), "row": base[1], "every_other": base[:, ::2]},
        "qtensor": torch.quantize_per_tensor(torch.tensor([0.5, -1.0, 2.0]), 0.1, 3, torch.quint8),
        "qchannel": torch.quantize_per_channel(torch.tensor([[0.5, -1.0], [2.0, 0.25]]),
                                               torch.tensor([0.1, 0.2]), torch.tensor([0, 1]), 0,
                                               torch.qint8),
        "sparse": torch.sparse_coo_tensor([[0, 2]], [1.0, -2.0], (4,)),
        "parameter": torch.nn.Parameter(torch.ones(2, 2)),
        "requires_grad": torch.tensor([1.0, 2.0], requires_grad=True),
        "state_dict": torch.nn.LSTM(2, 1).state_dict(),
        "containers": collections.OrderedDict(
            a=[1, 2.5, "x\n\u00e9", b"\x00\xff", None, True, (False,)],
            b={1: {"n": (1, [2, {3: ()}])}, 2.5: [], "s": torch.Size([2, 3])},
            c=(torch.float64, torch.int8, torch.strided)),
        "bigint": [2**70, -(2**100), 2**63 - 1],
        "summarized": (torch.arange(1010) % 251).to(torch.uint8).reshape(10, 101),
    }
    for name, obj in seeds.items():
        torch.save(obj, os.path.join(out, name + ".pt"))
    for proto in (3, 4, 5):
        torch.save({"p": proto, "t": torch.ones(1)}, os.path.join(out, "protocol%d.pt" % proto),
                   pickle_protocol=proto)


def new_form_seeds(out):
    version = ".".join(torch.__version__.split("+")[0].split(".")[:2])
    torch.manual_seed(0)
    z = torch.tensor([1 + 2j, -0.5j])
    with_attr = torch.arange(3.0)
    with_attr.note = "state"
    param = torch.nn.Parameter(torch.ones(2))
    param.note = {"k": 1}
    dense = torch.tensor([[0.0, 1.5], [2.0, 0.0]])
    seeds = {
        # every 2.x dtype: the core reads them all, whatever the LibTorch
        "new_dtypes": [z.to(torch.complex32),
                       torch.tensor([1, 65535]).to(torch.uint16),
                       torch.tensor([7, 2**32 - 1]).to(torch.uint32),
                       torch.tensor([2**64 - 1], dtype=torch.uint64),
                       torch.tensor([0.5, -448.0]).to(torch.float8_e4m3fn),
                       torch.tensor([0.5, 3.0]).to(torch.float8_e5m2),
                       torch.tensor([0.5, 2.0]).to(torch.float8_e4m3fnuz),
                       torch.tensor([0.5, 2.0]).to(torch.float8_e5m2fnuz),
                       torch.tensor([1, 2], dtype=torch.uint8).view(torch.bits8)],
        "conj_neg": [z.conj(), z.clone().conj().imag],
        "sparse": [torch.sparse_coo_tensor([[0, 2]], [1.0, -2.0], (4,)).coalesce(),
                   dense.to_sparse_csr(), dense.to_sparse_csc(), dense.to_sparse_bsr((1, 1))],
        "state": [with_attr, param],
    }
    if hasattr(torch, "float8_e8m0fnu"):
        seeds["newer_dtypes"] = [torch.tensor([1.0, 0.25]).to(torch.float8_e8m0fnu),
                                 torch.tensor([0x12], dtype=torch.uint8).view(
                                     torch.float4_e2m1fn_x2),
                                 z.to(torch.bcomplex32)]
    for name, obj in seeds.items():
        torch.save(obj, os.path.join(out, "torch%s_%s.pt" % (version, name)))


DTYPES = ["float32", "float64", "float16", "bfloat16", "uint8", "int8", "int16", "int32",
          "int64", "bool", "complex64", "complex128", "complex32"]


def tensor_seed(dtype, sizes, layout=0, flags=0, precision=4, threshold=5, edgeitems=3,
                linewidth=80, sci=0, qscale=0.1, qzero=3, payload=b""):
    """Bytes for fuzz_tensor: see the order of reads in fuzz_tensor.cpp."""
    b = bytes([DTYPES.index(dtype), len(sizes)])
    b += bytes(s if s < 200 else 200 + s // 20 for s in sizes)
    b += bytes([layout, flags, precision, threshold, edgeitems, linewidth, sci])
    b += struct.pack("<f", qscale) + bytes([qzero])
    return b + payload


def tensor_seeds(out):
    floats = struct.pack("<8f", 1.5, -0.0, 1e-5, 3e8, float("nan"), float("inf"), -2.25, 7.0)
    doubles = struct.pack("<4d", 0.1, -1e100, 5e-324, 123456.789)
    seeds = {
        "float_2x3": tensor_seed("float32", [2, 3], payload=floats),
        "float_transposed": tensor_seed("float32", [2, 4], layout=1, payload=floats),
        "float_strided": tensor_seed("float32", [4, 2], layout=2, payload=floats),
        "float_expanded": tensor_seed("float32", [1, 3], layout=3, payload=floats),
        "float_grad_param": tensor_seed("float32", [3], flags=1 | 4 | 8, payload=floats),
        "float_sci": tensor_seed("float32", [8], sci=1, precision=2, payload=floats),
        "float_fixed": tensor_seed("float32", [8], sci=2, precision=10, payload=floats),
        "float_quantized": tensor_seed("float32", [2, 2], flags=2, payload=floats),
        "double_long": tensor_seed("float64", [400], threshold=5, edgeitems=2, payload=doubles),
        "double_scalar": tensor_seed("float64", [], payload=doubles),
        "half": tensor_seed("float16", [5], payload=floats),
        "bfloat16": tensor_seed("bfloat16", [2, 2, 2], payload=floats),
        "uint8": tensor_seed("uint8", [6], payload=bytes(range(250, 256))),
        "int64_wide": tensor_seed("int64", [3, 3], linewidth=10, payload=doubles),
        "bool": tensor_seed("bool", [2, 2], payload=b"\x01\x00\x01\x01"),
        "complex64": tensor_seed("complex64", [4], payload=floats),
        "complex128": tensor_seed("complex128", [2], payload=doubles),
        "complex32": tensor_seed("complex32", [3], payload=floats),
        "empty": tensor_seed("int32", [0, 3]),
        "edge0": tensor_seed("float32", [8, 8], edgeitems=0, threshold=1, payload=floats),
        "linewidth0": tensor_seed("int16", [12], linewidth=0, payload=floats),
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


def changing_seeds(out):
    """corpus/changing/seed/*: a few load seeds, each cut in three places,
    before and after load (4 bytes cut point, 1 byte when, the file)."""
    load = os.path.join(HERE, "corpus", "load", "seed")
    for name in sorted(os.listdir(load))[:8]:
        data = open(os.path.join(load, name), "rb").read()
        for cut in (len(data) // 3, len(data) - 30, len(data) - 1):
            for when in (0, 1):
                with open(os.path.join(out, "%s_cut%d_%s" % (name, cut, "after" if when else "before")),
                          "wb") as fh:
                    fh.write(struct.pack("<IB", max(cut, 0), when) + data)


def safetensors_seeds(out):
    """corpus/safetensors/seed/*: safetensors files by the format's
    specification (u64 header length, JSON header, data): several dtypes,
    an empty and a 0-dim tensor, metadata, tensors out of name order."""
    import json
    codes = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16",
             torch.bfloat16: "BF16", torch.int64: "I64", torch.int8: "I8", torch.uint8: "U8",
             torch.bool: "BOOL"}
    sets = {
        "one": {"w": torch.arange(6.0).reshape(2, 3)},
        "dtypes": {k: torch.ones(2, dtype=d) for k, d in
                   zip("abcdefgh", [torch.float32, torch.float64, torch.float16, torch.bfloat16,
                                    torch.int64, torch.int8, torch.uint8, torch.bool])},
        "odd": {"z": torch.zeros(0, 2), "s": torch.tensor(1.5), "m.b": torch.tensor([1, 2])},
    }
    for name, tensors in sets.items():
        header, data = {"__metadata__": {"format": "pt"}}, b""
        for key in sorted(tensors, reverse=True):
            t = tensors[key].reshape(-1)
            raw = t.view(torch.uint8).numpy().tobytes() if t.numel() else b""
            header[key] = {"dtype": codes[t.dtype], "shape": list(tensors[key].shape),
                           "data_offsets": [len(data), len(data) + len(raw)]}
            data += raw
        text = json.dumps(header).encode()
        with open(os.path.join(out, name + ".safetensors"), "wb") as f:
            f.write(struct.pack("<Q", len(text)) + text + data)


def numpy_seeds(out):
    """corpus/numpy/seed/*: .npy (format versions 1 and 2, C and Fortran
    order, several dtypes, 0-d and empty) and .npz (stored, deflated)."""
    import io
    import numpy as np
    arrays = {"f4": np.arange(6, dtype=np.float32).reshape(2, 3),
              "f8_fortran": np.asfortranarray(np.arange(6.0).reshape(3, 2)),
              "i8": np.array([-1, 2**40]), "b1": np.array([True, False]),
              "c8": np.array([1 + 2j], dtype=np.complex64), "scalar": np.array(2.5),
              "empty": np.zeros((0, 2), dtype=np.int16)}
    for name, a in arrays.items():
        np.save(os.path.join(out, name + ".npy"), a)
    buf = io.BytesIO()
    np.lib.format.write_array(buf, arrays["f4"], version=(2, 0))
    with open(os.path.join(out, "v2.npy"), "wb") as f:
        f.write(buf.getvalue())
    np.savez(os.path.join(out, "stored.npz"), a=arrays["f4"], b=arrays["b1"])
    np.savez_compressed(os.path.join(out, "deflated.npz"), a=arrays["i8"])


def main():
    if sys.argv[1:] == ["--formats"]:
        for target, make in (("safetensors", safetensors_seeds), ("numpy", numpy_seeds)):
            out = os.path.join(HERE, "corpus", target, "seed")
            os.makedirs(out, exist_ok=True)
            os.makedirs(os.path.join(HERE, "corpus", target, "regression"), exist_ok=True)
            make(out)
            print("%s: %d seeds in %s" % (target, len(os.listdir(out)), out))
        return
    if sys.argv[1:] == ["--new-forms"]:
        if not hasattr(torch, "uint16"):
            sys.exit("make_seeds: --new-forms needs a PyTorch 2.x (this is %s)" % torch.__version__)
        out = os.path.join(HERE, "corpus", "load", "seed")
        new_form_seeds(out)
        print("load: %d seeds in %s" % (len(os.listdir(out)), out))
        return
    for target, make in (("load", load_seeds), ("tensor", tensor_seeds),
                         ("changing", changing_seeds)):
        out = os.path.join(HERE, "corpus", target, "seed")
        os.makedirs(out, exist_ok=True)
        os.makedirs(os.path.join(HERE, "corpus", target, "regression"), exist_ok=True)
        make(out)
        print("%s: %d seeds in %s" % (target, len(os.listdir(out)), out))


if __name__ == "__main__":
    main()
