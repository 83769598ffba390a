#!/usr/bin/python3
"""ptcat's modes against Python: --list, --tree, --stats, --key, --json and
ptcat diff.

  test_ptcat_modes.py --ptcat PATH

Saves files with torch.save at test time, then checks, with this release's
torch as the oracle:
  --list --json   each tensor's key path, type, dtype, layout, shape, numel,
                  bytes (numel * element_size), storage number (in order of
                  first use), offset, storage bytes, sharing, requires_grad;
  --list, --tree  the text: one line per tensor / per value, keys and depths;
  --stats         count, min, max, mean, std (unbiased) and 2-norm of
                  t.double() (quantized: dequantized), nan/inf/zero counts:
                  the JSON within 1e-12 relatively, the table's figures equal
                  to Python's '%.8g'; tensors big enough to be read in pieces
                  by several threads, strided views, every real dtype;
  --key GLOB      print mode: byte for byte Python's print of the dict
                  {key: value} of the outermost matches (fnmatch);
  diff A B        per key: torch.testing.assert_close(a, b)'s verdict, and
                  for values not close its mismatch count and greatest
                  absolute and relative differences with their indices,
                  parsed from assert_close's own message; the keys only one
                  file has, other values by repr; exit 0 / 1 / 2;
  bad input       one error line and the documented exit status.
"""
import argparse
import collections
import fnmatch
import io
import json
import math
import os
import re
import sys
import tempfile

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
from checks import check, check_usage_errors, finish, run  # noqa: E402

# ---------------------------------------------------------------------------
# Key paths, as ptcat makes them


def walk(obj, key="", depth=0):
    """(key, value, depth) of every value, containers before their items. A
    list of ints is one value, as ptcat reads it."""
    yield key, obj, depth
    if isinstance(obj, dict):
        items = [(k if isinstance(k, str) else repr(k), v) for k, v in obj.items()]
    elif isinstance(obj, (list, tuple)) and not isinstance(obj, torch.Size):
        if isinstance(obj, list) and obj and all(type(x) is int for x in obj):
            return
        items = [(str(i), v) for i, v in enumerate(obj)]
    else:
        return
    for k, v in items:
        yield from walk(v, k if not key else key + "." + k, depth + 1)


def selected(obj, globs):
    """(key, value) of the values a --key GLOB list selects, tensors inside
    selected containers included."""
    out, inside = [], None
    for key, value, depth in walk(obj):
        if inside is not None and depth > inside:
            out.append((key, value, False))
            continue
        inside = None
        if not globs or (depth > 0 and any(fnmatch.fnmatchcase(key, g) for g in globs)):
            out.append((key, value, True))
            inside = depth
    return out


def storage_of(t):
    return t.untyped_storage() if hasattr(t, "untyped_storage") else t.storage()


# ---------------------------------------------------------------------------
# The files


def stats_file():
    torch.manual_seed(5)
    big = torch.randn(40, 50, 70, dtype=torch.float64)  # 140000: several pieces
    wide = torch.randn(400, 300)
    with_nan = torch.randn(10)
    with_nan[3] = float("nan")
    with_inf = torch.randn(10)
    with_inf[[2, 7]] = float("inf")
    both_inf = torch.tensor([float("inf"), -float("inf"), 1.0])
    q = torch.quantize_per_tensor(torch.randn(6, 4), 0.05, 3, torch.qint8)
    qc = torch.quantize_per_channel(torch.randn(3, 5), torch.tensor([0.1, 0.02, 0.3]),
                                    torch.tensor([1, 0, 2]), 0, torch.quint8)
    return {
        "f32": torch.randn(4, 5),
        "big": big,
        "big_view": big[::3, 5:, ::2],
        "transposed": wide.t(),
        "rows": wide[::2, 1:],
        "f16": torch.randn(300, 300).half(),
        "bf16": torch.randn(33, 7).bfloat16(),
        "i64": torch.randint(-1000, 1000, (200, 400)),
        "i8": torch.randint(-128, 127, (50,), dtype=torch.int8),
        "u8": torch.randint(0, 255, (70000,), dtype=torch.uint8),
        "bool": torch.rand(100) > 0.5,
        "zeros": torch.zeros(5),
        "nan": with_nan,
        "inf": with_inf,
        "both_inf": both_inf,
        "overflow": torch.tensor([1e308, 1e308, -1e308], dtype=torch.float64),
        "empty": torch.empty(0, 3),
        "scalar": torch.tensor(2.5),
        "one": torch.tensor([7.0]),
        "q": q,
        "qc": qc,
        "nested": {"list": [torch.arange(10.0), (torch.ones(2, 2),)]},
        "complex": torch.randn(3, dtype=torch.complex64),
        "step": 12,
    }


def diff_files():
    torch.manual_seed(9)
    x = torch.randn(6, 8)
    far = x.clone()
    far[1, 2] += 0.5
    far[4, 7] -= 0.25
    far[0, 0] += 1e-6  # within float32's tolerance
    nan_b = x.clone()
    nan_b[2, 3] = float("nan")
    big = torch.randn(30, 60, 50, dtype=torch.float64)  # 90000: several pieces
    big_b = big.clone()
    big_b[0, 0, 1] += 2.0
    big_b[29, 59, 49] += 2.0  # the same greatest difference: the first one counts
    big_b[15, 3, 3] += 1e-3
    ints = torch.randint(-50, 50, (20,))
    ints_b = ints.clone()
    ints_b[[3, 11]] += torch.tensor([5, -9])
    half = torch.randn(50).half()
    q = torch.quantize_per_tensor(torch.randn(12), 0.1, 2, torch.quint8)
    q_b = torch.quantize_per_tensor(torch.randn(12), 0.1, 2, torch.quint8)
    # 2.x computes in the dtype, float16 and bfloat16 rounding each step
    # (1.13 promotes to float64); integers compare in float32 in both, so a
    # uint8 or int8 difference never wraps around
    bf16 = torch.randn(40).bfloat16()
    half_wide = (torch.randn(30) * 300).half()
    u8 = torch.tensor([250, 10, 7, 100], dtype=torch.uint8)
    i8 = torch.tensor([-128, 127, 0, -5], dtype=torch.int8)
    a = {
        "same": x,
        "close": x,
        "far": x,
        "nan": x,
        "big": big,
        "view": big[:, ::2, 1:].transpose(0, 2),
        "ints": ints,
        "bools": torch.tensor([True, False, True]),
        "half": half,
        "q": q,
        "bf16": bf16,
        "half_wide": half_wide,
        "u8": u8,
        "i8": i8,
        "scalar": torch.tensor(1.0),
        "scalar_half": torch.tensor(0.1, dtype=torch.float16),
        "scalar_int": torch.tensor(7),
        "dtype": x,
        "shape": x,
        "epoch": 3,
        "name": "lstm",
        "kind": [1, "a"],
        "seq": [1, "a"],
        "od": collections.OrderedDict(a=1),
        "only_a": torch.ones(2),
        "nested": {"w": x},
        "gone": {"deep": {"w": x}},
    }
    b = {
        "same": x.clone(),
        "close": x + 1e-7,
        "far": far,
        "nan": nan_b,
        "big": big_b,
        "view": big_b[:, ::2, 1:].transpose(0, 2),
        "ints": ints_b,
        "bools": torch.tensor([True, True, True]),
        "half": half + 0.01,
        "q": q_b,
        "bf16": bf16 + 0.02,
        "half_wide": half_wide * 1.001,
        "u8": torch.tensor([255, 5, 7, 90], dtype=torch.uint8),
        "i8": torch.tensor([127, -128, 1, -5], dtype=torch.int8),
        "scalar": torch.tensor(1.5),
        "scalar_half": torch.tensor(0.1001, dtype=torch.float16),
        "scalar_int": torch.tensor(3),
        "dtype": x.double(),
        "shape": x[:5],
        "epoch": 4,
        "name": "lstm",
        "kind": {"0": 1},
        "seq": (1, "a"),
        "od": {"a": 1},
        "nested": {"w": x, "extra": 1},
        "only_b": torch.zeros(3),
    }
    return a, b


# ---------------------------------------------------------------------------
# The checks


def ptcat_json(ptcat, args):
    rc, out, err = run([ptcat] + args + ["--json"])
    try:
        return rc, json.loads(out), err
    except ValueError:
        return rc, None, err + "\n(stdout: %r)" % out[:300]


def check_list(ptcat, path, obj):
    rc, doc, err = ptcat_json(ptcat, ["--list", path])
    if not check("--list --json: exit 0, a document", rc == 0 and doc is not None, err):
        return
    numbers, uses = {}, collections.Counter()
    expected = []
    for key, value, _ in selected(obj, []):
        if not isinstance(value, torch.Tensor):
            continue
        s = storage_of(value)
        n = numbers.setdefault(s.data_ptr(), len(numbers))
        uses[n] += 1
        expected.append({
            "key": key, "type": "Parameter" if isinstance(value, torch.nn.Parameter) else "Tensor",
            "dtype": str(value.dtype)[len("torch."):], "layout": str(value.layout)[len("torch."):],
            "shape": list(value.shape), "numel": value.numel(),
            "bytes": value.numel() * value.element_size(),
            "storage": {"id": n, "offset": value.storage_offset(), "bytes": s.nbytes()},
            "requires_grad": value.requires_grad})
    for e in expected:
        e["storage"]["shared"] = uses[e["storage"]["id"]] > 1
    got = doc["files"][0]["tensors"]
    check("--list --json: the schema's header", doc["ptcat"] == 1 and doc["mode"] == "list" and
          doc["files"][0]["file"] == path, json.dumps(doc)[:300])
    check("--list --json: %d tensors as Python sees them" % len(expected), got == expected,
          "\n".join("python %s\nptcat  %s" % (e, g) for e, g in zip(expected, got) if e != g)
          or "python %d, ptcat %d tensors" % (len(expected), len(got)))

    rc, out, err = run([ptcat, "--list", path])
    lines = out.splitlines()
    keys = [line.split()[0] for line in lines[1:-1]]
    check("--list: a header, a line per tensor in order, a total",
          rc == 0 and lines[0].split()[:2] == ["KEY", "DTYPE"] and
          keys == [e["key"] for e in expected] and
          lines[-1].startswith("%d tensors, %d bytes" % (
              len(expected), sum(e["bytes"] for e in expected))), out + err)

    rc, out, err = run([ptcat, "--tree", path])
    want = [" " * (2 * depth) + (key.rsplit(".", 1)[-1] if key else "(top)") + ":"
            for key, _, depth in walk(obj)]
    got = [line[:line.index(":") + 1] for line in out.splitlines()]
    # a key with dots of its own (a state_dict's) shows whole: compare by depth and end
    same = len(got) == len(want) and all(
        g.lstrip(" ") .endswith(w.lstrip(" ")) and len(g) - len(g.lstrip(" ")) == len(w) -
        len(w.lstrip(" ")) for g, w in zip(got, want))
    check("--tree: every value, indented by its depth", rc == 0 and same,
          "\n".join(want[:40]) + "\n---\n" + out[:3000] + err)


def fmt8(v):
    return "%.8g" % v


def python_stats(t):
    d = (t.dequantize() if t.is_quantized else t).double()
    return {
        "count": d.numel(),
        "min": d.min().item() if d.numel() else None,
        "max": d.max().item() if d.numel() else None,
        "mean": d.mean().item(),
        "std": d.std().item(),
        "norm": torch.linalg.vector_norm(d).item(),
        "nan": int(torch.isnan(d).sum()), "inf": int(torch.isinf(d).sum()),
        "zero": int((d == 0).sum()),
    }


def same_number(a, b, exact=False):
    if isinstance(a, str) or isinstance(b, str) or a is None or b is None:
        return str(a) == str(b)
    if math.isnan(b):
        return False
    return a == b if exact else abs(a - b) <= 1e-12 * max(abs(a), abs(b)) + 1e-300


def as_json_number(v):
    if v is None:
        return None
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def check_stats(ptcat, path, obj):
    rc, doc, err = ptcat_json(ptcat, ["--stats", path])
    if not check("--stats --json: exit 0, a document", rc == 0 and doc is not None, err):
        return
    got = {e["key"]: e for e in doc["files"][0]["tensors"]}
    rc, table, err = run([ptcat, "--stats", path])
    rows = {line.split()[0]: line for line in table.splitlines()[1:]}
    for key, value, _ in selected(obj, []):
        if not isinstance(value, torch.Tensor):
            continue
        g = got.get(key, {})
        if value.is_complex():
            check("--stats %s: no statistics for complex values" % key,
                  g.get("error") == "complex values" and
                  rows.get(key, "").endswith("  (complex values)"),
                  "%s\n%s" % (g, rows.get(key)))
            continue
        want = {k: as_json_number(v) for k, v in python_stats(value).items()}
        bad = [k for k in want if not same_number(g.get(k), want[k],
                                                   exact=k not in ("mean", "std", "norm"))]
        check("--stats %s (%s %s): as Python's float64 statistics" % (
            key, value.dtype, list(value.shape)), not bad,
            "differ: %s\npython %s\nptcat  %s" % (bad, want, g))
        row = rows.get(key, "").split()[-8:]  # MIN MAX MEAN STD NORM NAN INF ZERO
        text = [fmt8(v) if v is not None else "-" for v in (
            python_stats(value)[k] for k in ("min", "max", "mean", "std", "norm"))]
        check("--stats %s: the table's figures are Python's to 8 digits" % key,
              row[:5] == text, "python %s\nptcat  %s" % (text, row[:5]))


def check_keys(ptcat, path, obj):
    for globs in (["big"], ["nested.*"], ["*.0", "f3?"], ["q*", "step"], ["nothing"]):
        flags = sum((["--key", g] for g in globs), [])
        rc, out, err = run([ptcat] + flags + [path])
        want = {key: value for key, value, outer in selected(obj, globs) if outer}
        buf = io.StringIO()
        print(want, file=buf)
        check("--key %s: Python's print of the selected values" % " --key ".join(globs),
              rc == 0 and out == buf.getvalue(), err + out[:2000])
        rc, doc, err = ptcat_json(ptcat, ["--list"] + flags + [path])
        want_keys = [k for k, v, _ in selected(obj, globs) if isinstance(v, torch.Tensor)]
        got_keys = [t["key"] for t in doc["files"][0]["tensors"]] if doc else None
        check("--list --key %s: the tensors selected" % " --key ".join(globs),
              got_keys == want_keys, "python %s\nptcat  %s" % (want_keys, got_keys))


def assert_close_verdict(a, b, **kw):
    """None when close, else what assert_close's message says."""
    try:
        torch.testing.assert_close(a, b, **kw)
        return None
    except AssertionError as e:
        msg = str(e)
    v = {"msg": msg}
    m = re.search(r"Mismatched elements: (\d+) / (\d+)", msg)
    if m:
        v["mismatches"], v["numel"] = int(m.group(1)), int(m.group(2))
        for what, name in (("absolute", "abs"), ("relative", "rel")):
            m = re.search(r"Greatest %s difference: (\S+) at index (\([^)]*\))" % what, msg)
            v["max_%s_diff" % name] = float(m.group(1))
            v["max_%s_diff_index" % name] = list(eval(m.group(2)))
    m = re.search(r"Absolute difference: (\S+)", msg)
    if "Scalars" in msg and m:
        v["mismatches"], v["numel"] = 1, 1
        v["max_abs_diff"], v["max_abs_diff_index"] = float(m.group(1)), []
        v["max_rel_diff"] = float(re.search(r"Relative difference: (\S+)", msg).group(1))
        v["max_rel_diff_index"] = []
    for attr in ("dtype", "shape"):
        if "attribute '%s'" % attr in msg or ("%s mismatch" % attr) in msg.lower():
            v["attr"] = attr
    return v


def num(v):
    return float(v) if not isinstance(v, str) else float(v.replace("inf", "Infinity")) \
        if v != "nan" else float("nan")


def check_diff(ptcat, pa, pb, a, b, tol=None):
    args = ["diff", pa, pb] + (["--rtol", str(tol[0]), "--atol", str(tol[1])] if tol else [])
    rc, doc, err = ptcat_json(ptcat, args)
    label = "diff" + (" --rtol %s --atol %s" % tol if tol else "")
    if not check(label + ": exit 1 (different), a document", rc == 1 and doc is not None,
                 "status %s\n%s" % (rc, err)):
        return
    got = {e["key"]: e for e in doc["entries"]}
    flat_a = {k: v for k, v, _ in walk(a) if k}
    flat_b = {k: v for k, v, _ in walk(b) if k}
    kw = {"rtol": tol[0], "atol": tol[1]} if tol else {}
    for key, va in flat_a.items():
        if key not in flat_b:
            parent = key.rsplit(".", 1)[0] if "." in key else ""
            if parent == "" or parent in flat_b:
                check("%s %s: only in A" % (label, key),
                      got.get(key, {}).get("status") == "only_actual", got.get(key))
            continue
        vb = flat_b[key]
        g = got.get(key, {})
        if isinstance(va, torch.Tensor) and isinstance(vb, torch.Tensor):
            v = assert_close_verdict(va, vb, **kw)
            if v is None:
                check("%s %s: close, as assert_close finds" % (label, key),
                      g.get("status") == "equal", g)
            elif "attr" in v:
                check("%s %s: %s differs, as assert_close finds" % (label, key, v["attr"]),
                      g.get("status") == v["attr"], "%s\n%s" % (g, v["msg"]))
            else:
                fields = ("mismatches", "numel", "max_abs_diff", "max_abs_diff_index",
                          "max_rel_diff", "max_rel_diff_index")
                bad = [f for f in fields if f not in v or f not in g or (
                    num(g[f]) != v[f] and not (math.isnan(v[f]) and math.isnan(num(g[f])))
                    if "index" not in f else g[f] != v[f])]
                check("%s %s: not close, assert_close's counts and greatest differences" % (
                    label, key), g.get("status") == "not_close" and not bad,
                    "differ: %s\nptcat %s\nassert_close: %s" % (bad, g, v["msg"]))
        elif isinstance(va, torch.Tensor) or isinstance(vb, torch.Tensor) or (
                type(va) is not type(vb) and not (
                    isinstance(va, dict) and isinstance(vb, dict)) and not (
                    isinstance(va, (list, tuple)) and isinstance(vb, (list, tuple)))):
            check("%s %s: different types" % (label, key), g.get("status") == "type", g)
        elif isinstance(va, (dict, list, tuple)):
            check("%s %s: %s and %s compare by their items, as in assert_close" % (
                label, key, type(va).__name__, type(vb).__name__), key not in got, got.get(key))
        else:
            want = "equal" if repr(va) == repr(vb) else "value"
            check("%s %s: %s, by repr" % (label, key, want), g.get("status") == want, g)
    for key in flat_b:
        parent = key.rsplit(".", 1)[0] if "." in key else ""
        if key not in flat_a and (parent == "" or parent in flat_a):
            check("%s %s: only in B" % (label, key),
                  got.get(key, {}).get("status") == "only_expected", got.get(key))


def check_diff_exits(ptcat, tmp, a):
    pa = os.path.join(tmp, "a.pt")
    copy = os.path.join(tmp, "a_copy.pt")
    torch.save(a, copy)
    rc, out, err = run([ptcat, "diff", pa, copy])
    check("diff of a file and its copy: exit 0, all equal",
          rc == 0 and "0 different, 0 only in one file" in out, out + err)
    rc, out, err = run([ptcat, "diff", "--key", "same", "--key", "close",
                        pa, os.path.join(tmp, "b.pt")])
    check("diff --key same --key close: exit 0 (those are close)", rc == 0, out + err)
    rc, out, err = run([ptcat, "diff", pa, os.path.join(tmp, "missing.pt")])
    check("diff with a missing file: exit 2, one error line",
          rc == 2 and out == "" and len(err.splitlines()) == 1, "%s %r %r" % (rc, out, err))
    cplx = os.path.join(tmp, "complex.pt")
    torch.save({"c": torch.ones(2, dtype=torch.complex64)}, cplx)
    rc, out, err = run([ptcat, "diff", cplx, cplx])
    check("diff of complex values: not compared, exit 2",
          rc == 2 and "not compared" in out and len(err.splitlines()) == 1, "%s %r %r" % (
              rc, out, err))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ptcat", required=True)
    args = ap.parse_args()
    ptcat = args.ptcat
    with tempfile.TemporaryDirectory() as tmp:
        obj = stats_file()
        path = os.path.join(tmp, "stats.pt")
        torch.save(obj, path)
        lstm = torch.nn.LSTM(3, 3)
        shared = torch.randn(4, 5)
        model = {"state_dict": lstm.state_dict(), "params": list(lstm.parameters()),
                 "x": shared, "row": shared[1], "cols": shared[:, 2:], "epoch": 2,
                 "od": collections.OrderedDict(a=torch.ones(2, requires_grad=True))}
        mpath = os.path.join(tmp, "model.pt")
        torch.save(model, mpath)
        check_list(ptcat, mpath, model)
        check_list(ptcat, path, obj)
        check_stats(ptcat, path, obj)
        check_keys(ptcat, path, obj)
        a, b = diff_files()
        pa, pb = os.path.join(tmp, "a.pt"), os.path.join(tmp, "b.pt")
        torch.save(a, pa)
        torch.save(b, pb)
        check_diff(ptcat, pa, pb, a, b)
        check_diff(ptcat, pa, pb, a, b, tol=(0.1, 0.01))
        check_diff_exits(ptcat, tmp, a)
        check_usage_errors(ptcat, [["--json", path], ["--list", "--stats", path],
                                   ["--tree", "--json", path], ["diff", path],
                                   ["diff", pa, pb, "--rtol", "0.1"],
                                   ["diff", pa, pb, "--rtol", "x", "--atol", "1"], ["--list"]])
        rc, out, err = run([ptcat, "--list", path, os.path.join(tmp, "missing.pt")])
        check("--list with a missing file: the others listed, one error line, exit 1",
              rc == 1 and "==> " + path in out and len(err.splitlines()) == 1, out[:500] + err)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
