#!/usr/bin/python3
"""ptcat on the checkpoint formats other than torch.save's, against Python.

  test_ptcat_formats.py --ptcat PATH

Each file is recognized by its content (the test gives them misleading names
too) and printed byte for byte as Python prints:
  .npy, .npz     print(torch.from_numpy(numpy.load(f))), and for .npz the
                 dict {name: torch.from_numpy(array)} in the archive's order
                 (numpy writes both; stored and deflated .npz; format
                 versions 1 and 2; C and Fortran order; every dtype
                 torch.from_numpy takes);
  safetensors    print(safetensors.torch.load_file(f)) where this Debian
                 release packages safetensors (13 and later); in Debian 12
                 the files are written by the format's specification here,
                 and the oracle reads them by it (the tensors by name, sorted,
                 as safe_open's keys() gives them);
  sharded index  {**shard for each shard in sorted(set(weight_map.values()))}
                 over safetensors shards and over torch.save shards.
Then --list --json on them (keys, dtypes, shapes), and hostile files: lying
headers, truncations, huge sizes, gaps, shards outside the index's folder,
each one error line and exit 1; and random mutations of each format through
every mode, none of which may crash ptcat.
"""
import argparse
import io
import json
import os
import random
import struct
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
from checks import check, finish, run, udiff  # noqa: E402

try:
    import safetensors.torch as st_torch
except ImportError:
    st_torch = None

ST_DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16",
             torch.bfloat16: "BF16", torch.int64: "I64", torch.int32: "I32", torch.int16: "I16",
             torch.int8: "I8", torch.uint8: "U8", torch.bool: "BOOL"}
ST_TORCH = {v: k for k, v in ST_DTYPES.items()}


def printed(obj):
    buf = io.StringIO()
    print(obj, file=buf)
    return buf.getvalue()


def write_safetensors_by_spec(path, tensors, order=None):
    """The format's specification: u64 header length, JSON header, data."""
    header, data = {}, b""
    for name in order or list(tensors):
        t = tensors[name].contiguous()
        raw = t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b""
        header[name] = {"dtype": ST_DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    header["__metadata__"] = {"format": "pt"}
    text = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


def read_safetensors_by_spec(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    out = {}
    for name in sorted(k for k in header if k != "__metadata__"):
        info = header[name]
        begin, end = info["data_offsets"]
        chunk = bytearray(raw[8 + n + begin:8 + n + end])
        t = torch.frombuffer(chunk, dtype=ST_TORCH[info["dtype"]]) if chunk else \
            torch.empty(0, dtype=ST_TORCH[info["dtype"]])
        out[name] = t.reshape(info["shape"]).clone()
    return out


def save_safetensors(path, tensors):
    if st_torch:
        st_torch.save_file(tensors, path)
    else:
        write_safetensors_by_spec(path, tensors)


def load_safetensors(path):
    return st_torch.load_file(path) if st_torch else read_safetensors_by_spec(path)


def compare(ptcat, label, path, expected_text, flags=()):
    rc, out, err = run([ptcat] + list(flags) + [path])
    check(label, rc == 0 and out == expected_text,
          "status %s, stderr %r\n%s" % (rc, err, udiff(expected_text, out, "python", "ptcat")))


def numpy_cases(tmp):
    rng = np.random.default_rng(3)
    arrays = {
        "f32": rng.standard_normal((3, 4)).astype(np.float32),
        "f64": rng.standard_normal(7),
        "f16": rng.standard_normal((2, 2, 2)).astype(np.float16),
        "i64": rng.integers(-10**12, 10**12, (5,)),
        "i32": rng.integers(-1000, 1000, (2, 3)).astype(np.int32),
        "i16": rng.integers(-1000, 1000, (4,)).astype(np.int16),
        "i8": rng.integers(-100, 100, (3,)).astype(np.int8),
        "u8": rng.integers(0, 255, (6,)).astype(np.uint8),
        "bool": rng.standard_normal(5) > 0,
        "c64": (rng.standard_normal(3) + 1j * rng.standard_normal(3)).astype(np.complex64),
        "c128": rng.standard_normal(2) + 1j,
        "scalar": np.array(2.5, dtype=np.float32),
        "empty": np.zeros((0, 3), dtype=np.float32),
        "fortran": np.asfortranarray(rng.standard_normal((3, 5)).astype(np.float32)),
        "big": rng.standard_normal((40, 50)),
    }
    files = []
    for name, a in arrays.items():
        path = os.path.join(tmp, name + ".pt")  # the name lies: content decides
        np.save(path + ".npy", a)
        os.rename(path + ".npy", path)
        files.append((name, path, a))
    v2 = os.path.join(tmp, "v2.bin")
    with open(v2, "wb") as f:
        np.lib.format.write_array(f, arrays["f32"], version=(2, 0))
    files.append(("format version 2", v2, arrays["f32"]))
    return arrays, files


def check_numpy(ptcat, tmp):
    arrays, files = numpy_cases(tmp)
    for name, path, a in files:
        want = printed(torch.from_numpy(np.load(path)))
        compare(ptcat, "npy %s: torch.from_numpy's print" % name, path, want)
    compare(ptcat, "npy big --precision 2 --threshold 20", files[-2][1],
            _with_options(lambda: printed(torch.from_numpy(np.load(files[-2][1]))),
                          precision=2, threshold=20), ["--precision", "2", "--threshold", "20"])
    for kind, save in (("stored", np.savez), ("deflated", np.savez_compressed)):
        path = os.path.join(tmp, "arrays_%s.npz" % kind)
        save(path, **{k: arrays[k] for k in ("f32", "i64", "bool", "fortran", "scalar", "empty")})
        want = printed({k: torch.from_numpy(v) for k, v in np.load(path).items()})
        compare(ptcat, "npz %s: {name: torch.from_numpy(array)}" % kind, path, want)
    return files


def _with_options(fn, **opts):
    torch.set_printoptions(**opts)
    try:
        return fn()
    finally:
        torch.set_printoptions(profile="default")


def check_safetensors(ptcat, tmp):
    torch.manual_seed(11)
    tensors = {"model.w": torch.randn(4, 3), "model.b": torch.randn(3).double(),
               "a_half": torch.randn(5).half(), "bf": torch.randn(2, 2).bfloat16(),
               "ids": torch.arange(6).reshape(2, 3), "i32": torch.tensor([1, -2], dtype=torch.int32),
               "mask": torch.tensor([True, False]), "bytes": torch.arange(4, dtype=torch.uint8),
               "empty": torch.zeros(0), "scalar": torch.tensor(3.5), "Z": torch.ones(1)}
    path = os.path.join(tmp, "model.safetensors")
    save_safetensors(path, tensors)
    source = "safetensors.torch" if st_torch else "the format's specification"
    compare(ptcat, "safetensors (written and read by %s): load_file's print" % source, path,
            printed(load_safetensors(path)))
    # by the specification, tensors in another order than their names
    spec = os.path.join(tmp, "spec.bin")
    write_safetensors_by_spec(spec, tensors, order=sorted(tensors, reverse=True))
    compare(ptcat, "safetensors by the specification (read by %s)" % source, spec,
            printed(load_safetensors(spec)))
    rc, out, err = run([ptcat, "--list", "--json", path])
    got = [(t["key"], t["dtype"], t["shape"]) for t in json.loads(out)["files"][0]["tensors"]] \
        if rc == 0 else None
    want = [(k, str(v.dtype)[6:], list(v.shape)) for k, v in load_safetensors(path).items()]
    check("safetensors --list --json: keys, dtypes and shapes", got == want,
          "python %s\nptcat  %s\n%s" % (want, got, err))
    return path


def check_sharded(ptcat, tmp):
    torch.manual_seed(12)
    folder = os.path.join(tmp, "sharded")
    os.makedirs(folder)
    shards = {"model-00002-of-00002.safetensors": {"layer.1.w": torch.randn(2, 2),
                                                   "layer.1.b": torch.randn(2)},
              "model-00001-of-00002.safetensors": {"embed": torch.randn(3, 2),
                                                   "layer.0.w": torch.randn(2, 2)}}
    weight_map = {}
    for name, ts in shards.items():
        save_safetensors(os.path.join(folder, name), ts)
        weight_map.update({k: name for k in ts})
    index = os.path.join(folder, "model.safetensors.index.json")
    json.dump({"metadata": {"total_size": 0}, "weight_map": weight_map}, open(index, "w"))
    want = {}
    for name in sorted(set(weight_map.values())):
        want.update(load_safetensors(os.path.join(folder, name)))
    compare(ptcat, "sharded safetensors index: the shards merged in sorted order", index,
            printed(want))
    bins = {"pytorch_model-00001-of-00002.bin": {"a.w": torch.randn(2)},
            "pytorch_model-00002-of-00002.bin": {"b.w": torch.randn(3), "b.b": torch.ones(1)}}
    weight_map = {}
    for name, ts in bins.items():
        torch.save(ts, os.path.join(folder, name))
        weight_map.update({k: name for k in ts})
    index_bin = os.path.join(folder, "pytorch_model.bin.index.json")
    json.dump({"weight_map": weight_map}, open(index_bin, "w"))
    want = {}
    for name in sorted(set(weight_map.values())):
        want.update(torch.load(os.path.join(folder, name)))
    compare(ptcat, "sharded torch.save index: the shards merged in sorted order", index_bin,
            printed(want))
    rc, out, err = run([ptcat, "--list", index])
    check("sharded index --list: every tensor of every shard",
          rc == 0 and out.splitlines()[-1].startswith("4 tensors"), out + err)
    return index


def hostile(ptcat, tmp, good_st):
    raw = open(good_st, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])

    def st_with(h, data=None):
        text = json.dumps(h).encode()
        return struct.pack("<Q", len(text)) + text + (raw[8 + n:] if data is None else data)

    def edit(fn):
        h = json.loads(json.dumps(header))
        fn(h)
        return h

    first = sorted(k for k in header if k != "__metadata__")[0]
    cases = [
        ("safetensors cut in its data", raw[:-3], "beyond the end"),
        ("safetensors cut in its header", raw[:8 + n // 2], "not"),
        ("safetensors header length beyond the file", struct.pack("<Q", 10**6) + raw[8:], ""),
        ("safetensors header not JSON", struct.pack("<Q", 5) + b"{abc}" + b"x" * 10, "JSON"),
        ("safetensors header a list", st_with([1, 2], b""), ""),
        ("safetensors unknown dtype", st_with(edit(lambda h: h[first].update(dtype="X9"))),
         "unknown dtype"),
        ("safetensors offsets beyond the data",
         st_with(edit(lambda h: h[first].update(data_offsets=[0, 10**12]))), ""),
        ("safetensors size not the shape's",
         st_with(edit(lambda h: h[first].update(shape=[10**9, 10**9]))), "elements"),
        ("safetensors negative size", st_with(edit(lambda h: h[first].update(shape=[-1]))),
         "sizes"),
        ("safetensors shape overflow", st_with(edit(lambda h: h[first].update(
            shape=[2**62, 2**62]))), "overflow"),
        ("safetensors a gap in the data", st_with(header, raw[8 + n:] + b"\0" * 4), "cover"),
        ("safetensors huge header length", struct.pack("<Q", 2**63) + b"{" * 20, ""),
        ("npy cut short", np_bytes(np.arange(10.0))[:-8], "shorter"),
        ("npy bad descr", np_bytes(np.arange(3.0)).replace(b"'<f8'", b"'<x8'"), "convert"),
        ("npy big-endian", np_bytes(np.arange(3.0).astype(">f8")), "byte order"),
        ("npy object array", np_bytes(np.array([1, "a"], dtype=object)), "convert"),
        ("npy structured", np_bytes(np.zeros(2, dtype=[("a", "<f4")])), "structured"),
        ("npy huge shape", np_bytes(np.arange(3.0)).replace(b"(3,)", b"(99999999999,)"),
         "shorter"),
        ("npy version 9", b"\x93NUMPY\x09\x00" + np_bytes(np.arange(3.0))[8:], "version"),
        ("index not JSON", b'{"weight_map": ', "JSON"),
        ("index shard outside its folder", json.dumps(
            {"weight_map": {"w": "../x.safetensors"}}).encode(), "beside the index"),
        ("index absolute shard", json.dumps({"weight_map": {"w": "/etc/passwd"}}).encode(),
         "beside the index"),
        ("index missing shard", json.dumps({"weight_map": {"w": "nope.safetensors"}}).encode(),
         "nope.safetensors"),
        ("index shard that is an index", json.dumps({"weight_map": {"w": "self.json"}}).encode(),
         "index"),
        ("index weight_map a list", b'{"weight_map": [1]}', "weight_map"),
    ]
    folder = os.path.join(tmp, "hostile")
    os.makedirs(folder)
    for name, data, needle in cases:
        path = os.path.join(folder, "self.json" if "is an index" in name else
                            name.replace(" ", "_"))
        with open(path, "wb") as f:
            f.write(data)
        rc, out, err = run([ptcat, path], timeout=60)
        lines = err.splitlines()
        check("hostile %s: exit 1, one error line%s" % (name, ", '%s'" % needle if needle else ""),
              rc == 1 and out == "" and len(lines) == 1 and lines[0].startswith("ptcat: error: ")
              and needle in lines[0], "status %s, stdout %r, stderr %r" % (rc, out[:200], err))


def np_bytes(a):
    buf = io.BytesIO()
    np.save(buf, a, allow_pickle=True)
    return buf.getvalue()


def mutants(ptcat, tmp, sources):
    rnd = random.Random(21)
    folder = os.path.join(tmp, "mutants")
    os.makedirs(folder)
    paths = []
    for k, src in enumerate(sources):
        raw = open(src, "rb").read()
        for j in range(40):
            b = bytearray(raw)
            if j % 2:
                b = b[:rnd.randrange(len(b))]
            else:
                for _ in range(rnd.randint(1, 4)):
                    b[rnd.randrange(len(b))] = rnd.randrange(256)
            p = os.path.join(folder, "m%d_%d" % (k, j))
            with open(p, "wb") as f:
                f.write(bytes(b))
            paths.append(p)
    for mode in ([], ["--list"], ["--stats"], ["--tree"]):
        rc, out, err = run([ptcat] + mode + paths, timeout=600)
        lines = err.splitlines()
        stray = [line for line in lines if not line.startswith("ptcat: error: ")]
        check("mutants %s: %d files, %d refused with one line each, no crash" % (
            " ".join(mode) or "print", len(paths), len(lines)),
            rc in (0, 1) and not stray and len(lines) <= len(paths),
            "status %s, stray stderr %s" % (rc, stray[:5]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ptcat", required=True)
    ptcat = ap.parse_args().ptcat
    print("safetensors oracle: %s" % ("safetensors " + __import__("safetensors").__version__
                                      if st_torch else "the format's specification"))
    with tempfile.TemporaryDirectory() as tmp:
        files = check_numpy(ptcat, tmp)
        st = check_safetensors(ptcat, tmp)
        index = check_sharded(ptcat, tmp)
        hostile(ptcat, tmp, st)
        npz = os.path.join(tmp, "arrays_deflated.npz")
        mutants(ptcat, tmp, [st, files[0][1], npz, os.path.join(tmp, "arrays_stored.npz"),
                             index])
    return finish()


if __name__ == "__main__":
    sys.exit(main())
