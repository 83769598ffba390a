#!/usr/bin/python3
"""Write a cross-version corpus: what this Python's torch wrote and printed.

  make_corpus.py OUTDIR [--tensors N] [--objects N] [--seed S]

Run it with the /usr/bin/python3 of a release (Debian 12: torch 1.13,
Python 3.11; Debian 13: 2.6, 3.13; unstable: 2.14, 3.14). It writes:

  OUTDIR/files/NAME.pt    what this torch.save wrote: test_ptcat.py's cases
                          (every dtype of this release, quantized, sparse,
                          views, Parameters, containers, pickle protocols...)
                          plus the dtypes whose tensors this Python saves but
                          cannot print (bits*)
  OUTDIR/tensors.pt       a chunk of tests/differential/gen_tensors.py cases
  OUTDIR/objects.pt       a chunk of tests/differential/gen_objects.py cases
                          (both carry this Python's expected strings)
  OUTDIR/manifest.json    the torch and Python versions (X.Y), and for every
                          file and print option set of test_ptcat.py what
                          print(torch.load(f, weights_only=False)) printed
                          (or the first line of the error it raised), and the
                          dtypes of the tensors in the file

check_corpus.py compares ptcat and the differential runners of a build with
it, under --torch-version/--python-version of the corpus. OUTDIR must not
exist or be empty.
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import warnings

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(TESTS, "ptcat"))
import test_ptcat  # noqa: E402  (the case list and the print option sets)

FORMAT = 1  # manifest format


def major_minor(version):
    """'2.6.0+debian' -> '2.6'; '1.13.0a0' -> '1.13'."""
    parts = version.split("+")[0].split(".")
    minor = "".join(c for c in parts[1] if c.isdigit()) if len(parts) > 1 else "0"
    return f"{int(parts[0])}.{int(minor)}"


def unprintable_dtype_cases():
    """Dtypes torch.save writes (as an UntypedStorage) whose tensors this
    Python cannot print: the error is the expected output."""
    cases = []
    raw = torch.tensor([0x01, 0x80, 0xff, 0x3c], dtype=torch.uint8)
    for name in ["bits8", "bits1x8", "bits2x4", "bits4x2", "bits16"]:
        dtype = getattr(torch, name, None)
        if dtype is None:
            continue
        try:
            cases.append((name, raw.view(dtype), {}))
        except RuntimeError:
            pass
    return cases


def dtypes_in(obj, inside=()):
    """The dtypes (repr names without 'torch.') of the tensors in obj (a
    container met again inside itself is not entered again)."""
    found = set()
    if isinstance(obj, (list, tuple, dict)):
        if id(obj) in inside:
            return found
        inside = inside + (id(obj),)
    if isinstance(obj, torch.Tensor):
        found.add(str(obj.dtype).replace("torch.", ""))
        if obj.is_sparse:
            found |= dtypes_in(obj._indices()) | dtypes_in(obj._values())
        elif obj.layout in (torch.sparse_csr, torch.sparse_bsr):
            found |= dtypes_in(obj.crow_indices()) | dtypes_in(obj.values())
        elif obj.layout in (torch.sparse_csc, torch.sparse_bsc):
            found |= dtypes_in(obj.ccol_indices()) | dtypes_in(obj.values())
        elif obj.is_quantized and obj.qscheme() != torch.per_tensor_affine:
            found |= dtypes_in(obj.q_per_channel_scales())
            found |= dtypes_in(obj.q_per_channel_zero_points())
    elif isinstance(obj, (list, tuple)):
        for x in obj:
            found |= dtypes_in(x, inside)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            found |= dtypes_in(k, inside) | dtypes_in(v, inside)
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir")
    ap.add_argument("--tensors", type=int, default=400, help="gen_tensors.py cases (400)")
    ap.add_argument("--objects", type=int, default=400, help="gen_objects.py cases (400)")
    ap.add_argument("--seed", type=int, default=7, help="seed of both chunks (7)")
    args = ap.parse_args()
    warnings.filterwarnings("ignore")  # ComplexHalf, sparse, quantized: experimental

    if os.path.exists(args.outdir) and os.listdir(args.outdir):
        sys.exit(f"make_corpus: {args.outdir} exists and is not empty")
    files_dir = os.path.join(args.outdir, "files")
    os.makedirs(files_dir, exist_ok=True)

    torch_version = major_minor(torch.__version__)
    python_version = "%d.%d" % sys.version_info[:2]
    cases = test_ptcat.make_cases() + unprintable_dtype_cases()
    files = collections.OrderedDict()
    skipped = {}
    for name, obj, kw in cases:
        path = os.path.join(files_dir, name + ".pt")
        try:
            torch.save(obj, path, **kw)
        except Exception as e:  # this release cannot save it (1.13: complex32)
            skipped[name] = str(e).splitlines()[0]
            if os.path.exists(path):
                os.unlink(path)
            continue
        files[name] = {"file": "files/" + name + ".pt", "dtypes": sorted(dtypes_in(obj))}

    # What print(torch.load(f)) printed, under each print option set.
    flag_sets = []
    for fs_name, flags, kwargs, rg in test_ptcat.FLAG_SETS:
        expected = {}
        for name, entry in files.items():
            out, err = test_ptcat.python_print(os.path.join(args.outdir, entry["file"]), kwargs,
                                               rg)
            expected[name] = {"error": err} if err is not None else {"out": out}
        flag_sets.append({"name": fs_name, "flags": flags, "expected": expected})

    # The differential chunks, each generator run by this Python.
    chunks = {}
    for kind, script, count in [("tensors", "gen_tensors.py", args.tensors),
                                ("objects", "gen_objects.py", args.objects)]:
        if count <= 0:
            continue
        out = os.path.join(args.outdir, kind + ".pt")
        subprocess.run([sys.executable, os.path.join(TESTS, "differential", script), "--seed",
                        str(args.seed), "--count", str(count), "--out", out], check=True,
                       stdout=subprocess.DEVNULL)
        chunks[kind] = {"file": kind + ".pt", "generator": script, "seed": args.seed,
                        "count": count}

    manifest = {
        "format": FORMAT,
        "torch": torch_version,
        "python": python_version,
        "torch_full": torch.__version__,
        "python_full": sys.version.split()[0],
        "files": files,
        "skipped": skipped,
        "flag_sets": flag_sets,
        "chunks": chunks,
    }
    with open(os.path.join(args.outdir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1, ensure_ascii=True)
        f.write("\n")
    print(f"make_corpus: torch {torch_version} (torch {torch.__version__}), Python "
          f"{python_version}: {len(files)} files x {len(flag_sets)} print option sets, "
          + ", ".join(f"{c['count']} {k} cases" for k, c in chunks.items())
          + (f"; not saved by this release: {', '.join(sorted(skipped))}" if skipped else "")
          + f" -> {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
