#!/usr/bin/python3
"""Differential and bad-input tests of ptcat.

  test_ptcat.py --ptcat PATH [--part outputs|errors|all]

outputs: at test time, saves a varied set of files with torch.save into a temp
  dir (every dtype of this release, quantized, sparse COO and compressed,
  conj/neg views, views sharing a storage, 0-dim, empty, requires_grad,
  nn.Parameter, tensors with Python attributes, an LSTM state_dict, nested
  containers, big ints, several pickle protocols), then for several flag sets
  runs ptcat on all of them and compares its stdout byte for byte with
  Python's print(torch.load(f, weights_only=False)) under the same
  torch.set_printoptions(...) call (and requires_grad_() for --requires-grad;
  where Python raises, ptcat must print one error line with the same message
  and exit 1). weights_only=False: from PyTorch 2.6 on torch.load defaults to
  weights_only=True, whose unpickler refuses some of what torch.save writes
  (pickle protocol 4 and 5 frames, bytes); ptcat reads it all.
errors: bad files and bad flags: exit status, exactly one stderr line, no
  death by signal; plus a batch of mutated archives (no crash allowed).
memory: a list of 5 million ints prints as in Python, in at most 4 times the
  file's size of peak RSS (--rss-bound).

A failure names the case and shows a unified diff of Python's and ptcat's
output. Exit status 0 when everything passed, 1 otherwise.
"""
import argparse
import collections
import io
import os
import pickle
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
from checks import failed as fail, failures, finish, passed  # noqa: E402
from checks import udiff as checks_udiff  # noqa: E402


def udiff(expected, got, a="python", b="ptcat"):
    return checks_udiff(expected, got, a, b)


# ---------------------------------------------------------------------------
# The files


def make_cases():
    """(name, object, torch.save kwargs) triples, generated deterministically."""
    torch.manual_seed(20240601)
    g = torch.Generator().manual_seed(7)
    cases = []

    def add(name, obj, **kw):
        cases.append((name, obj, kw))

    # pickle protocols 1 and 0 (torch.save(..., pickle_protocol=N)): INT (bools
    # too), LONG, FLOAT, UNICODE; protocol 0 can't hold a tensor (its
    # persistent ids are text, which torch.load refuses)
    add("protocol_1", {"t": torch.arange(3.0), "b": [True, False], "i": [2**70, -2**40, 7, -1],
                       "f": 1.5, "s": "x\u00e9", "by": b"ab", "tu": (1, (2,)), "n": None},
        pickle_protocol=1)
    add("protocol_0", {"b": [True, False], "i": [2**70, -2**70, 2**31, -2**31 - 1, 0, -5],
                       "f": [-0.1, 1e300, float("inf"), float("-inf")], "n": None,
                       "s": ["x\u00e9\n\\u0041\u1234\U0001f600\r\x1a\0", ""], "by": b"a\xffb",
                       "od": collections.OrderedDict(a=1), "tu": (1,)},
        pickle_protocol=0)

    # the legacy (non-zip) format: a pickle, then each storage's raw bytes
    legacy_w = torch.randn(2, 3, generator=g)
    add("legacy_format", {"w": legacy_w, "row": legacy_w[1], "v": torch.arange(6)[1:4],
                          "p": torch.nn.Parameter(torch.ones(2)), "b": torch.tensor([True, False]),
                          "e": torch.empty(0), "h": torch.ones(2, dtype=torch.float16),
                          "od": collections.OrderedDict(a=torch.zeros(1)), "n": [3, "x"]},
        _use_new_zipfile_serialization=False)
    add("legacy_format_tensor", torch.arange(4.0).view(2, 2).t(),
        _use_new_zipfile_serialization=False)
    add("legacy_format_no_tensor", [1, (2.5, None)], _use_new_zipfile_serialization=False)

    # torch.return_types values (structseqs with their own repr), also as a
    # dict key, and containers that contain themselves ([...], {...}, (...))
    add("return_types", [torch.max(torch.tensor([[1.0, 5.0], [3.0, 2.0]]), 1),
                         torch.sort(torch.tensor([3, 1, 2])),
                         torch.aminmax(torch.tensor([4.0, -1.0])),
                         {torch.topk(torch.tensor([1, 9, 5]), 2).indices.shape: "k"}])
    rec_list = [1]
    rec_list.append(rec_list)
    rec_dict = {"k": torch.ones(2)}
    rec_dict["self"] = rec_dict
    rec_od = collections.OrderedDict(a=1)
    rec_od["me"] = rec_od
    rec_tuple = ([],)
    rec_tuple[0].append(rec_tuple)
    add("recursive", {"l": rec_list, "d": rec_dict, "o": rec_od, "t": rec_tuple,
                      "twice": [rec_list, rec_list]})

    # lists of ints, which the reader keeps packed (4 bytes an int, 8 once one
    # needs 64 bits) until an item of another type comes
    shared = [1, 2, 3]
    add("int_lists", {"wide": [1, 2**40, -2**63, 3], "edges": [2**31 - 1, -2**31, 2**31, -2**31 - 1],
                      "then_str": [1, 2, "a", 3], "then_list": [1, [2, 3], [], 4],
                      "bools": [[True, 1], [1, True], [1.0, 1], [1, 2**70, 2]],
                      "shared": [shared, shared, {"k": shared}], "empty": [], "long": list(range(5000)),
                      "tuple": (1, 2, 3)})

    # every dtype
    add("float32", torch.randn(4, 5, generator=g))
    add("float64", torch.randn(3, 4, dtype=torch.float64, generator=g) * 1000)
    add("float16", torch.randn(6, generator=g).half())
    add("bfloat16", torch.randn(2, 3, generator=g).bfloat16())
    add("uint8", torch.randint(0, 256, (3, 4), dtype=torch.uint8, generator=g))
    add("int8", torch.randint(-128, 128, (7,), dtype=torch.int8, generator=g))
    add("int16", torch.randint(-30000, 30000, (2, 2), dtype=torch.int16, generator=g))
    add("int32", torch.randint(-2**31, 2**31 - 1, (5,), dtype=torch.int32, generator=g))
    add("int64", torch.tensor([-2**63, 2**63 - 1, 0, 12345678901234]))
    add("bool", torch.tensor([[True, False], [False, True]]))
    add("complex64", torch.randn(3, dtype=torch.complex64, generator=g))
    add("complex128", torch.randn(2, 2, dtype=torch.complex128, generator=g) * 1e5)
    add("special_floats", torch.tensor([float("nan"), float("inf"), -float("inf"), -0.0, 1.5]))
    add("sci_values", torch.tensor([1e-8, 1.0, 1e8]))
    add("small_values", torch.tensor([0.001, 0.0001, 0.00002]))
    add("int_valued_floats", torch.tensor([1.0, -2.0, 300.0]))
    add("half_specials", torch.tensor([65504.0, -0.0, float("inf"), 1e-4]).half())
    # quantized
    x = torch.randn(4, 5, generator=g)
    add("qt_quint8", torch.quantize_per_tensor(x, 0.05, 10, torch.quint8))
    add("qt_qint8", torch.quantize_per_tensor(x, 0.1, 0, torch.qint8))
    add("qt_qint32", torch.quantize_per_tensor(x, 0.001, -5, torch.qint32))
    add("qc_quint8_axis0", torch.quantize_per_channel(
        x, torch.tensor([0.1, 0.05, 0.2, 0.01]), torch.tensor([0, 1, 2, 3]), 0, torch.quint8))
    add("qc_qint8_axis1", torch.quantize_per_channel(
        x, torch.linspace(0.01, 0.05, 5), torch.zeros(5, dtype=torch.long), 1, torch.qint8))
    # sub-byte: 2 and 4 elements to a byte (an odd count leaves half a byte)
    add("qt_quint4x2", torch.quantize_per_tensor(torch.arange(-1.0, 6.0) / 3, 0.1, 3, torch.quint4x2))
    add("qt_quint2x4", torch.quantize_per_tensor(x, 0.7, 1, torch.quint2x4))
    add("qc_quint4x2_float_qparams", torch.quantize_per_channel(
        x, torch.tensor([0.1, 0.05, 0.2, 0.3]), torch.tensor([0.0, 1.5, 2.0, -1.0]), 0,
        torch.quint4x2))
    add("qt_quint4x2_summarized",
        torch.quantize_per_tensor(torch.arange(2000.0).view(2, 1000) / 150, 1.0, 0, torch.quint4x2))
    # sparse COO
    i = torch.tensor([[0, 1, 1, 0], [2, 0, 2, 2]])
    add("sparse_uncoalesced", torch.sparse_coo_tensor(i, torch.tensor([3.0, 4.0, 5.0, 6.0]), (2, 3)))
    add("sparse_coalesced",
        torch.sparse_coo_tensor(i, torch.tensor([3.0, 4.0, 5.0, 6.0]), (2, 3)).coalesce())
    add("sparse_int", torch.sparse_coo_tensor(i, torch.tensor([1, 2, 3, 4]), (2, 3)))
    add("sparse_hybrid", torch.sparse_coo_tensor(i[:, :2], torch.randn(2, 2, generator=g), (2, 3, 2)))
    add("sparse_empty", torch.sparse_coo_tensor(size=(3, 3)))
    # views sharing one storage
    base = torch.arange(12.0).reshape(3, 4)
    add("views", {"base": base, "row": base[1], "col": base[:, 2], "t": base.t(),
                  "step": base.view(-1)[1::3], "narrow": base.narrow(1, 1, 2),
                  "scalar_view": base[2, 3]})
    big = torch.arange(100, dtype=torch.int32)
    add("view_alone", big[10:13])
    add("expanded", torch.arange(4.0).expand(3, 4))
    add("noncontig_int", torch.arange(24).reshape(2, 3, 4).permute(2, 0, 1))
    # 0-dim and empty
    add("zero_dim", [torch.tensor(3.25), torch.tensor(-7), torch.tensor(True),
                     torch.tensor(1 + 2j), torch.tensor(2.5, dtype=torch.float64)])
    add("empty", [torch.empty(0), torch.zeros(2, 0, 3), torch.tensor([], dtype=torch.int64),
                  torch.zeros(0, 4, dtype=torch.bool)])
    # autograd and parameters
    add("requires_grad", torch.randn(3, generator=g).requires_grad_())
    add("requires_grad_0dim", torch.tensor(1.5, requires_grad=True))
    add("parameter", torch.nn.Parameter(torch.randn(2, 3, generator=g)))
    add("parameter_no_grad", torch.nn.Parameter(torch.randn(2, generator=g), requires_grad=False))
    add("parameter_int", torch.nn.Parameter(torch.arange(3), requires_grad=False))
    add("lstm_state_dict", torch.nn.LSTM(3, 3).state_dict())
    lin = torch.nn.Linear(2, 2)
    add("param_list", [lin.weight, lin.bias])
    # large tensors (summarized with the default threshold)
    add("large_1d", torch.randn(2000, generator=g))
    add("large_2d", torch.randn(40, 50, generator=g))
    add("large_int", torch.arange(3000).reshape(10, 300))
    add("cube", torch.randn(5, 6, 7, generator=g))
    # Python values
    nested = {
        "ints": [0, 1, -1, 255, 256, 65535, 65536, -129, 2**31, -2**31 - 1, 2**63 - 1, -2**63],
        "big": [2**63, -2**63 - 1, 2**64, 2**200, -(2**200), 10**100],
        "floats": [0.1, 1e16, 1e-5, 3.0, -0.0, float("inf"), -float("inf"), float("nan"),
                   1.7976931348623157e308, 5e-324, 123456789.125],
        "strs": ["", "a\nb", "tab\t", "it's", 'say "hi"', "both ' and \"", "é中😀", "\x00\x7f"],
        "bytes": [b"", b"ab", b"\x00\xff'\"", bytes(range(256))],
        "consts": [None, True, False],
        "tuples": [(), (1,), (1, (2, (3, None))), ((),)],
        "dicts": [{}, {1: "a", 2.5: "b", (1, 2): "c", None: "d", "k": [1, {"z": None}]}],
        "ordered": collections.OrderedDict([("b", 1), ("a", collections.OrderedDict())]),
        "empty_od": collections.OrderedDict(),
        "globals": [torch.float32, torch.int64, torch.bool, torch.complex64, torch.float16,
                    torch.bfloat16, torch.quint8, torch.sparse_coo, torch.strided,
                    torch.per_tensor_affine, torch.per_channel_affine],
        "sizes": [torch.Size([]), torch.Size([2, 3]), torch.Size([5])],
        "tensor_in_tuple": (torch.tensor([1, 2]), "x", torch.ones(2, 2)),
    }
    add("nested", nested)
    add("nested_proto3", nested, pickle_protocol=3)
    add("nested_proto4", nested, pickle_protocol=4)
    add("nested_proto5", nested, pickle_protocol=5)
    shared = [1, 2]
    t = torch.randn(2, generator=g)
    add("shared_refs", {"x": shared, "y": shared, "t1": t, "t2": t})
    add("scalar_int", 42)
    add("scalar_str", "hello 'world'")
    add("scalar_none", None)
    add("scalar_float", 2.0)
    add("big_int", 2**100)
    add("long_list", list(range(300)))
    add("long_dict", {f"key{i}": i * 0.5 for i in range(60)})
    add("lstm_proto4", torch.nn.LSTM(2, 2, num_layers=2).state_dict(), pickle_protocol=4)
    # conj and neg views: 2.x saves the bits (metadata of _rebuild_tensor_v2),
    # 1.13 saves the storage as it is
    z = torch.tensor([1 + 2j, -3.5 - 1j, 0.25j])
    add("conj_view", z.conj())
    add("neg_view", z.conj().imag)
    # Python state: _rebuild_from_type_v2, and 2.x's _rebuild_parameter_with_state
    with_attr = torch.arange(3.0)
    with_attr.note = "kept by pickle, not shown by print"
    add("tensor_with_attr", with_attr)
    p = torch.nn.Parameter(torch.ones(2, 2))
    p.note = {"lr": 0.1}
    add("parameter_with_attr", p)
    # compressed sparse layouts (1.13 saves only CSR)
    dense = torch.tensor([[0.0, 1.5, 0.0, 0.0], [2.0, 0.0, 0.0, -3.0], [0.0, 0.0, 4.0, 0.0],
                          [0.0, 0.0, 0.0, 0.0]])
    add("sparse_csr", dense.to_sparse_csr())
    if not torch.__version__.startswith("1."):
        add("sparse_csc", dense.to_sparse_csc())
        add("sparse_bsr", dense.to_sparse_bsr((2, 2)))
        add("sparse_bsc", dense.to_sparse_bsc((2, 2)))
    cases += new_dtype_cases(g)
    return cases


def new_dtype_cases(g):
    """The dtypes this release has beyond 1.13's (saved with an UntypedStorage
    and _rebuild_tensor_v3), those its Python can print."""
    cases = []

    def dtype(name):
        return getattr(torch, name, None)

    def add(name, make):
        try:
            cases.append((name, make(), {}))
        except (RuntimeError, TypeError, NotImplementedError):  # not in this release's kernels
            pass

    x = torch.randn(8, generator=g) * 4
    specials = torch.tensor([0.0, -0.0, 0.5, -1.75, 448.0, 1e-3, float("inf"), float("nan")])
    for name in ["float8_e5m2", "float8_e4m3fn", "float8_e5m2fnuz", "float8_e4m3fnuz"]:
        if dtype(name):
            add(name, lambda d=dtype(name): x.to(d))
            add(name + "_specials", lambda d=dtype(name): specials.to(d))
    if dtype("float8_e8m0fnu"):
        add("float8_e8m0fnu", lambda: torch.tensor([1.0, 2.0, 0.5, 1024.0, 2.0**-20]).to(
            torch.float8_e8m0fnu))
    if dtype("float4_e2m1fn_x2"):
        add("float4_e2m1fn_x2", lambda: torch.tensor([0, 0x12, 0x7f, 0xf0, 0xa5, 0x0f],
                                                     dtype=torch.uint8).view(torch.float4_e2m1fn_x2))
    if dtype("uint16"):
        add("uint16", lambda: torch.tensor([0, 1, 65535, 21845, 12345]).to(torch.uint16))
        add("uint32", lambda: torch.tensor([0, 1, 2**32 - 1, 1431655765, 7]).to(torch.uint32))
        add("uint64", lambda: torch.tensor([0, 1, 2**64 - 1, 2**63, 12345], dtype=torch.uint64))
    if dtype("uint16"):
        add("uint16_2d", lambda: torch.arange(12, dtype=torch.int32).reshape(3, 4).to(
            torch.uint16) * 5000)
    c = torch.randn(2, 3, dtype=torch.complex64, generator=g)
    if dtype("uint16"):  # complex32 has been saved since 2.x (1.13's torch.save refuses it)
        add("complex32", lambda: c.to(torch.complex32))
    if dtype("bcomplex32"):
        add("bcomplex32", lambda: c.to(torch.bcomplex32))
    return cases


FLAG_SETS = [
    # (name, ptcat flags, set_printoptions kwargs, requires_grad)
    ("default", [], {}, False),
    ("precision2_linewidth60", ["--precision", "2", "--linewidth", "60"],
     dict(precision=2, linewidth=60), False),
    ("profile_short", ["--profile", "short"], dict(profile="short"), False),
    ("profile_full_lw120", ["--profile", "full", "--linewidth", "120"],
     dict(profile="full", linewidth=120), False),
    ("threshold5_edge1", ["--threshold", "5", "--edgeitems", "1"],
     dict(threshold=5, edgeitems=1), False),
    ("sci_true_precision3", ["--sci-mode", "true", "--precision", "3"],
     dict(sci_mode=True, precision=3), False),
    ("sci_false", ["--sci-mode", "false"], dict(sci_mode=False), False),
    ("short_precision6", ["--profile", "short", "--precision", "6", "--sci-mode", "auto"],
     dict(profile="short", precision=6, sci_mode=None), False),
    ("threshold_inf_edge2_lw40", ["--threshold", "inf", "--edgeitems", "2", "--linewidth", "40"],
     dict(threshold=float("inf"), edgeitems=2, linewidth=40), False),
    ("requires_grad", ["--requires-grad"], {}, True),
    ("requires_grad_precision1", ["--requires-grad", "--precision", "1"], dict(precision=1), True),
]


def require_grad(obj, inside=()):
    """Python's requires_grad_() on every tensor, in the same order as ptcat
    (a container met again inside itself is not entered again)."""
    if isinstance(obj, torch.Tensor):
        obj.requires_grad_()
    elif id(obj) in inside:
        return
    elif isinstance(obj, (list, tuple)):
        for x in obj:
            require_grad(x, inside + (id(obj),))
    elif isinstance(obj, dict):
        for k, v in obj.items():
            require_grad(k, inside + (id(obj),))
            require_grad(v, inside + (id(obj),))


def python_print(path, kwargs, requires_grad):
    """(stdout text, error message or None) of print(torch.load(path, weights_only=False))."""
    torch.set_printoptions(profile="default")
    torch.set_printoptions(**kwargs)
    try:
        obj = torch.load(path, weights_only=False)
        if requires_grad:
            require_grad(obj)
        buf = io.StringIO()
        print(obj, file=buf)
        return buf.getvalue(), None
    except Exception as e:  # the error ptcat must report
        return "", str(e).splitlines()[0]
    finally:
        torch.set_printoptions(profile="default")


def run_ptcat(ptcat, args, timeout=600):
    return subprocess.run([ptcat] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=timeout)


def check_outputs(ptcat, tmp):
    cases = make_cases()
    paths = []
    for name, obj, kw in cases:
        path = os.path.join(tmp, name + ".pt")
        torch.save(obj, path, **kw)
        paths.append(path)
    print(f"saved {len(paths)} files; {len(FLAG_SETS)} flag sets", flush=True)

    outputs = {}
    for fs_name, flags, kwargs, rg in FLAG_SETS:
        expected = [python_print(p, kwargs, rg) for p in paths]
        want_out = "".join(out for out, err in expected if err is None)
        want_err = "".join(f"ptcat: error: {p}: {err}\n"
                           for p, (out, err) in zip(paths, expected) if err is not None)
        want_rc = 1 if want_err else 0
        r = run_ptcat(ptcat, flags + paths)
        got_out = r.stdout.decode("utf-8", "replace")
        got_err = r.stderr.decode("utf-8", "replace")
        outputs[fs_name] = got_out
        if r.returncode == want_rc and got_out == want_out and got_err == want_err:
            passed(f"flags {fs_name}: {len(paths)} files "
                   f"({sum(e is not None for _, e in expected)} expected errors)")
            continue
        if r.returncode < 0:
            fail(f"flags {fs_name}", f"ptcat killed by signal {-r.returncode}")
        # Pinpoint the files that differ: the first few (a process start of
        # LibTorch takes about a second, and a broken build fails them all).
        pinpointed = 0
        for p, (out, err) in zip(paths, expected):
            if pinpointed >= 5:
                fail(f"flags {fs_name}", "more files differ; stopped after 5")
                break
            before = len(failures)
            case = f"flags {fs_name} / {os.path.basename(p)}"
            one = run_ptcat(ptcat, flags + [p])
            o = one.stdout.decode("utf-8", "replace")
            e = one.stderr.decode("utf-8", "replace")
            if err is None:
                if one.returncode != 0 or o != out or e:
                    fail(case, f"exit {one.returncode}, stderr {e!r}\n" + udiff(out, o) +
                         f"--- python output ---\n{out}--- ptcat output ---\n{o}")
            else:
                want = f"ptcat: error: {p}: {err}\n"
                if one.returncode != 1 or o or e != want:
                    fail(case, f"Python raised {err!r}; ptcat exit {one.returncode}, "
                         f"stderr {e!r} (want {want!r}), stdout {o!r}")
            pinpointed += len(failures) > before
        if not any(f.startswith(f"flags {fs_name}") for f in failures):
            fail(f"flags {fs_name}", f"all files pass alone but the batch differs (exit "
                 f"{r.returncode}, want {want_rc})\n" + udiff(want_out, got_out) +
                 udiff(want_err, got_err, "python-stderr", "ptcat-stderr"))

    # The flags must matter: every flag set prints something different.
    seen = {}
    for name, out in outputs.items():
        if out in seen and not name.startswith("requires_grad"):
            fail(f"flags {name}", f"prints exactly what flags {seen[out]} print")
        seen.setdefault(out, name)


# ---------------------------------------------------------------------------
# Bad input


def write_archive(path, pkl, records=None, name="archive"):
    """A torch.save-like zip with our own data.pkl and storage records."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr(f"{name}/data.pkl", pkl)
        for key, data in (records or {}).items():
            z.writestr(f"{name}/data/{key}", data)
        z.writestr(f"{name}/version", "3\n")


def tensor_pickle(storage_numel, size, stride, offset=0, storage="FloatStorage"):
    """A hand-assembled protocol 2 pickle of _rebuild_tensor_v2 with the given
    geometry, over the storage record data/0."""
    def i32(v):
        return b"J" + struct.pack("<i", v)

    def tup(ints):
        return b"(" + b"".join(i32(v) for v in ints) + b"t"

    def s(text):
        return b"X" + struct.pack("<I", len(text)) + text.encode()

    return (b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\n("
            + b"(" + s("storage") + b"ctorch\n" + storage.encode() + b"\n" + s("0") + s("cpu")
            + i32(storage_numel) + b"tQ"
            + i32(offset) + tup(size) + tup(stride)
            + b"\x89ccollections\nOrderedDict\n)R"
            + b"tR.")


def tensor_expr(storage, key, numel=2, storage_module="torch"):
    """The pickle opcodes (protocol 2, no STOP) of a 1-D _rebuild_tensor_v2
    tensor of `numel` elements over the storage whose persistent key is the
    already-pickled `key`."""
    def i32(v):
        return b"J" + struct.pack("<i", v)

    def s(text):
        return b"X" + struct.pack("<I", len(text)) + text.encode()

    return (b"ctorch._utils\n_rebuild_tensor_v2\n("
            + b"(" + s("storage") + b"c" + storage_module.encode() + b"\n" + storage.encode()
            + b"\n" + key + s("cpu") + i32(numel) + b"tQ"
            + i32(0) + b"(" + i32(numel) + b"t(" + i32(1) + b"t"
            + b"\x89ccollections\nOrderedDict\n)RtR")


class _Call:
    """Pickles as fn(*args) (a REDUCE)."""

    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return (self.fn, self.args)


def qtensor_pickle(storage_class, nbytes, offset, size, stride, qparams):
    """A protocol 2 pickle of _rebuild_qtensor over the storage record data/0
    (a typed storage of `nbytes` elements), written by Python's own pickler."""
    storage = object()

    class Pickler(pickle.Pickler):
        def persistent_id(self, obj):
            return ("storage", storage_class, "0", "cpu", nbytes) if obj is storage else None

    buf = io.BytesIO()
    Pickler(buf, protocol=2).dump(_Call(torch._utils._rebuild_qtensor, (
        storage, offset, size, stride, qparams, False, collections.OrderedDict())))
    return buf.getvalue()


def check_handmade(ptcat, tmp):
    """Files torch.save does not write but torch.load reads: ptcat prints
    what Python prints."""
    cases = []

    def case(name, pkl, records):
        path = os.path.join(tmp, name + ".pt")
        write_archive(path, pkl, records)
        cases.append((name, path))

    key_str, key_int = b"X\x01\x00\x00\x000", b"K\x00"
    floats = struct.pack("<2f", 1.5, 2.5)
    # torch.load caches storages by the key object: int 0 and str '0' are two
    # storages (of their own dtypes) over the one record data/0.
    case("int_and_str_keys",
         b"\x80\x02](" + tensor_expr("FloatStorage", key_str)
         + tensor_expr("IntStorage", key_int) + b"e.", {"0": floats})
    # The same key twice is one storage: the first dtype wins.
    case("same_key_twice",
         b"\x80\x02](" + tensor_expr("FloatStorage", key_str)
         + tensor_expr("IntStorage", key_str) + b"e.", {"0": floats})
    # A bool storage of bytes other than 0 and 1: Python prints them True.
    case("bool_bytes", b"\x80\x02" + tensor_expr("BoolStorage", key_str, numel=4)
         + b".", {"0": bytes([0, 1, 2, 255])})
    # Lists of ints the reader packs, reached by less usual opcodes: an int
    # from the memo (BINPUT/BINGET) and DUP, appended more than once; a list of
    # int pairs given to OrderedDict; torch.Size and a torch.return_types value
    # made from a list of ints.
    case("int_list_memo", b"\x80\x02]q\x00(K\x05q\x01h\x01h\x01K\x06e.", {})
    case("int_list_dup", b"\x80\x02](K\x072K\x08e(K\x092e.", {})
    case("int_pairs_to_ordereddict",
         b"\x80\x02ccollections\nOrderedDict\n(](](K\x01K\x02e](K\x03K\x04eetR.", {})
    case("int_list_to_size", b"\x80\x02ctorch\nSize\n(](K\x02K\x03etR.", {})
    case("int_list_to_return_type", b"\x80\x02ctorch.return_types\nmax\n(](K\x01K\x02etR.", {})
    # Sub-byte quantized tensors as _rebuild_qtensor meets them: LibTorch
    # reads the elements in order from the offset's byte (the offset counts
    # bytes), and can't print a non-contiguous one.
    nibbles = bytes([0x31, 0x75, 0x0B])
    q4 = torch.QUInt4x2Storage
    case("quint4x2_byte_offset",
         qtensor_pickle(q4, 3, 1, (4,), (1,), (torch.per_tensor_affine, 0.5, 1)), {"0": nibbles})
    case("quint4x2_zero_point_20",
         qtensor_pickle(q4, 3, 0, (5,), (1,), (torch.per_tensor_affine, 0.1, 20)), {"0": nibbles})
    case("quint4x2_non_contiguous",
         qtensor_pickle(q4, 3, 0, (2, 2), (1, 2), (torch.per_tensor_affine, 0.5, 1)),
         {"0": nibbles})
    case("quint2x4_per_channel_affine",
         qtensor_pickle(torch.QUInt2x4Storage, 3, 0, (2, 2), (2, 1),
                        (torch.per_channel_affine, [0.5, 1.0], [0, 1], 0)), {"0": nibbles})
    for name, path in cases:
        out, err = python_print(path, {}, False)
        r = run_ptcat(ptcat, [path], timeout=60)
        got, got_err = r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")
        want_err = "" if err is None else f"ptcat: error: {path}: {err}\n"
        if got == (out if err is None else "") and got_err == want_err:
            passed(f"hand-made: {name}")
        else:
            fail(f"hand-made: {name}", f"exit {r.returncode}, stderr {got_err!r} "
                 f"(want {want_err!r})\n" + udiff(out or "", got))


def check_int_list_memory(ptcat, tmp, rss_bound):
    """The issue's 15 MB file of 5 million ints: ptcat prints what Python
    prints and, where rss_bound is set (not under a sanitizer), its peak RSS
    stays within 4 times the file's size."""
    rng = random.Random(5)
    path = os.path.join(tmp, "ints_5m.pt")
    torch.save([rng.randrange(65536) for _ in range(5_000_000)], path)
    out, err = python_print(path, {}, False)
    # ptcat writes its text once it is whole, so its peak is behind it when the
    # first byte comes; with the pipe full it waits, alive, while its VmHWM
    # (peak RSS, its own since exec: getrusage would count this big process,
    # which the child was forked from) is read.
    p = subprocess.Popen([ptcat, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
    first = p.stdout.read(1)
    rss = None
    try:
        with open(f"/proc/{p.pid}/status") as f:
            rss = next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        pass
    rest, stderr = p.communicate(timeout=600)
    stdout = first + rest
    size = os.path.getsize(path)
    if err is not None or p.returncode != 0 or stdout.decode() != out:
        fail("5 million ints", f"exit {p.returncode}, stderr {stderr.decode()!r}, python {err!r}, "
             f"{len(stdout)} bytes against Python's {len(out)}")
    elif rss_bound and (rss is None or rss > 4 * size):
        fail("5 million ints", "no peak RSS could be read" if rss is None else
             f"peak RSS {rss / 2**20:.1f} MiB, over 4 x the file's {size / 2**20:.1f} MiB")
    else:
        peak = "unchecked" if rss is None else f"{rss / 2**20:.1f} MiB"
        passed(f"5 million ints: the output of Python, peak RSS {peak} for a "
               f"{size / 2**20:.1f} MiB file")


def check_errors(ptcat, tmp):
    good = os.path.join(tmp, "good.pt")
    torch.save({"a": torch.arange(6.0), "b": [1, 2]}, good)
    good_out = python_print(good, {}, False)[0]
    data = open(good, "rb").read()

    def f(name, content):
        p = os.path.join(tmp, name)
        with open(p, "wb") as fh:
            fh.write(content)
        return p

    rnd = random.Random(99)
    fifo = os.path.join(tmp, "fifo.pt")  # no writer: open() would wait forever
    os.mkfifo(fifo)
    empty_zip = os.path.join(tmp, "empty_zip.pt")
    with zipfile.ZipFile(empty_zip, "w"):
        pass
    plain_pickle = os.path.join(tmp, "plain.pkl")
    with open(plain_pickle, "wb") as fh:
        pickle.dump({"a": 1}, fh, protocol=2)
    huge = os.path.join(tmp, "huge_expanded.pt")  # 2**40 elements, one stored
    torch.save(torch.zeros(1).expand(2**40), huge)
    big_size = os.path.join(tmp, "big_size.pt")  # torch.load: "Overflow when unpacking long"
    torch.save(torch.Size([2**70]), big_size)
    legacy_cut = os.path.join(tmp, "legacy_cut.pt")  # the legacy format, its bytes cut short
    torch.save(torch.ones(64), legacy_cut, _use_new_zipfile_serialization=False)
    with open(legacy_cut, "r+b") as fh:
        fh.truncate(os.path.getsize(legacy_cut) - 100)
    small_rec = os.path.join(tmp, "small_record.pt")
    write_archive(small_rec, tensor_pickle(4, (4,), (1,)), {"0": b"\0" * 8})
    beyond = os.path.join(tmp, "beyond_storage.pt")
    write_archive(beyond, tensor_pickle(4, (3,), (2,)), {"0": b"\0" * 16})
    unknown_global = os.path.join(tmp, "unknown_global.pt")
    write_archive(unknown_global, b"\x80\x02cos\nsystem\nX\x02\x00\x00\x00lsq\x00\x85R.")
    missing_rec = os.path.join(tmp, "missing_record.pt")
    write_archive(missing_rec, tensor_pickle(4, (4,), (1,)), {})
    deep = os.path.join(tmp, "deep.pt")
    write_archive(deep, b"\x80\x02" + b"]" * 100000 + b"a" * 99999 + b".")
    bad_opcode = os.path.join(tmp, "bad_opcode.pt")
    write_archive(bad_opcode, b"\x80\x02\xff.")
    no_stop = os.path.join(tmp, "no_stop.pt")
    write_archive(no_stop, b"\x80\x02]")
    huge_len = os.path.join(tmp, "huge_len.pt")
    write_archive(huge_len, b"\x80\x02X\xff\xff\xff\x7fabc.")
    laughs = os.path.join(tmp, "laughs.pt")
    # l0 = [0]; l(k+1) = [lk, lk] ...: 2**60 objects once expanded
    prog = b"\x80\x02]K\x00aq\x00"
    for k in range(60):
        prog += b"](h" + bytes([k]) + b"h" + bytes([k]) + b"eq" + bytes([k + 1])
    write_archive(laughs, prog + b".")

    torch_major = int(torch.__version__.split(".")[0])
    cases = [
        # (name, args, expected exit, stderr line must start with)
        ("missing file", [os.path.join(tmp, "nope.pt")], 1, "ptcat: error: "),
        ("empty file", [f("empty.pt", b"")], 1, "ptcat: error: "),
        ("random bytes", [f("random.pt", bytes(rnd.randrange(256) for _ in range(1000)))], 1,
         "ptcat: error: "),
        ("zip magic + random", [f("pkrandom.pt", b"PK\x03\x04" +
                                  bytes(rnd.randrange(256) for _ in range(1000)))], 1,
         "ptcat: error: "),
        ("truncated half", [f("trunc_half.pt", data[: len(data) // 2])], 1, "ptcat: error: "),
        ("truncated tail", [f("trunc_tail.pt", data[:-10])], 1, "ptcat: error: "),
        ("directory", [tmp], 1, "ptcat: error: "),
        ("FIFO", [fifo], 1, "ptcat: error: "),
        ("/proc file", ["/proc/self/status"], 1, "ptcat: error: "),
        ("legacy format cut short", [legacy_cut], 1, "ptcat: error: "),
        ("empty zip", [empty_zip], 1, "ptcat: error: "),
        ("plain pickle", [plain_pickle], 1, "ptcat: error: "),
        ("huge tensor, profile full", ["--profile", "full", huge], 1, "ptcat: error: "),
        ("torch.Size beyond int64", [big_size], 1, "ptcat: error: "),
        ("storage record too small", [small_rec], 1, "ptcat: error: "),
        ("view beyond storage", [beyond], 1, "ptcat: error: "),
        ("unknown global", [unknown_global], 1, "ptcat: error: "),
        ("missing storage record", [missing_rec], 1, "ptcat: error: "),
        ("deep nesting", [deep], 1, "ptcat: error: "),
        ("bad opcode", [bad_opcode], 1, "ptcat: error: "),
        ("no STOP", [no_stop], 1, "ptcat: error: "),
        ("string longer than pickle", [huge_len], 1, "ptcat: error: "),
        ("exponential sharing", [laughs], 1, "ptcat: error: "),
        ("unknown flag", ["--frobnicate", good], 2, "ptcat: error: "),
        ("negative precision", ["--precision", "-1", good], 2, "ptcat: error: "),
        ("non-numeric precision", ["--precision", "abc", good], 2, "ptcat: error: "),
        ("linewidth 0", ["--linewidth", "0", good], 2, "ptcat: error: "),
        ("negative threshold", ["--threshold", "-1", good], 2, "ptcat: error: "),
        ("non-numeric threshold", ["--threshold", "lots", good], 2, "ptcat: error: "),
        ("negative edgeitems", ["--edgeitems", "-2", good], 2, "ptcat: error: "),
        ("bad sci-mode", ["--sci-mode", "maybe", good], 2, "ptcat: error: "),
        ("bad profile", ["--profile", "long", good], 2, "ptcat: error: "),
        ("missing option value", [good, "--precision"], 2, "ptcat: error: "),
        ("no files", [], 2, "ptcat: error: "),
    ]
    if torch_major < 2:  # 2.x prints edgeitems=0 as tensor([...], size=(N,))
        cases.append(("huge tensor printed whole", ["--edgeitems", "0", huge], 1, "ptcat: error: "))
    messages = {}
    for name, args, want_rc, prefix in cases:
        try:
            r = run_ptcat(ptcat, args, timeout=60)
        except subprocess.TimeoutExpired:
            fail(f"bad input: {name}", "no answer in 60 s (hangs)")
            continue
        err = r.stderr.decode("utf-8", "replace")
        lines = err.splitlines()
        problems = []
        if r.returncode < 0:
            problems.append(f"killed by signal {-r.returncode}")
        if r.returncode != want_rc:
            problems.append(f"exit {r.returncode}, want {want_rc}")
        if len(lines) != 1 or not err.endswith("\n"):
            problems.append(f"want exactly one stderr line, got {err!r}")
        elif not lines[0].startswith(prefix):
            problems.append(f"stderr {lines[0]!r} does not start with {prefix!r}")
        if want_rc == 1 and args and len(lines) == 1 and f": {args[-1]}: " not in lines[0] + " ":
            if not lines[0].startswith(f"ptcat: error: {args[-1]}: "):
                problems.append(f"stderr {lines[0]!r} does not name the file {args[-1]}")
        if r.stdout:
            problems.append(f"unexpected stdout {r.stdout[:200]!r}")
        if problems:
            fail(f"bad input: {name}", "; ".join(problems))
        else:
            messages[name] = lines[0]
            passed(f"bad input: {name}: {lines[0]}")

    # Specific messages for the storage checks.
    for name, needle in [("storage record too small", "data/0"),
                         ("view beyond storage", "data/0"),
                         ("unknown global", "os.system"),
                         ("FIFO", "FIFO"),
                         ("legacy format cut short", "runs past the end of the file"),
                         ("empty zip", "an empty zip archive"),
                         ("plain pickle", "not one torch.save wrote"),
                         ("huge tensor printed whole", "can't allocate memory"),
                         ("huge tensor, profile full", "you tried to allocate 4398046511104 bytes"),
                         ("torch.Size beyond int64", "does not fit in 64 bits"),
                         ("/proc file", "does not report"),
                         ("missing storage record", "data/0")]:
        if name in messages and needle not in messages[name]:
            fail(f"bad input: {name}", f"message {messages[name]!r} lacks {needle!r}")

    # --help documents every option.
    r = run_ptcat(ptcat, ["--help"])
    help_text = r.stdout.decode()
    for opt in ["--precision", "--threshold", "--edgeitems", "--linewidth", "--sci-mode",
                "--profile", "--requires-grad", "Exit status"]:
        if opt not in help_text:
            fail("help", f"--help does not mention {opt}")
    if r.returncode != 0:
        fail("help", f"--help exits {r.returncode}")

    # A bad file among good ones: the good ones are still printed, in order.
    missing = os.path.join(tmp, "nope.pt")
    r = run_ptcat(ptcat, [good, missing, good])
    got = r.stdout.decode()
    err = r.stderr.decode()
    if r.returncode != 1 or got != good_out * 2 or len(err.splitlines()) != 1:
        fail("mixed good and bad files",
             f"exit {r.returncode}, stderr {err!r}\n" + udiff(good_out * 2, got))
    else:
        passed("mixed good and bad files")

    # Mutants: truncations and byte flips of real archives, and valid
    # archives around mutated pickles. None may crash the process.
    src = os.path.join(tmp, "src.pt")
    # (with what this release's torch.save writes differently: the conj bit,
    # compressed sparse, and in 2.x _rebuild_tensor_v3 for uint16)
    mutant_src = {"t": torch.randn(3, 4), "q": torch.quantize_per_tensor(torch.randn(4), 0.1, 2,
                                                                          torch.quint8),
                  "s": torch.sparse_coo_tensor([[0, 1]], [1.0, 2.0], (3,)),
                  "p": torch.nn.Parameter(torch.ones(2)), "l": [1, 2.5, "x", None, (True,)],
                  "big": 2**80, "od": collections.OrderedDict(a=torch.arange(3)),
                  "c": torch.tensor([1 + 2j, 3j]).conj(),
                  "csr": torch.tensor([[0.0, 1.0], [2.0, 0.0]]).to_sparse_csr()}
    if hasattr(torch, "uint16"):
        mutant_src["u"] = torch.tensor([1, 65535]).to(torch.uint16)
    torch.save(mutant_src, src)
    raw = open(src, "rb").read()
    with zipfile.ZipFile(src) as z:
        names = z.namelist()
        pkl_name = [n for n in names if n.endswith("/data.pkl")][0]
        pkl = z.read(pkl_name)
        recs = {n.split("/data/")[1]: z.read(n) for n in names if "/data/" in n}
    mutants = []
    for k in range(60):
        cut = rnd.randrange(len(raw))
        mutants.append(f(f"mut_trunc{k}.pt", raw[:cut]))
    for k in range(60):
        b = bytearray(raw)
        for _ in range(rnd.randint(1, 4)):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        mutants.append(f(f"mut_flip{k}.pt", bytes(b)))
    for k in range(300):
        b = bytearray(pkl)
        kind = k % 3
        if kind == 0:
            for _ in range(rnd.randint(1, 3)):
                b[rnd.randrange(len(b))] = rnd.randrange(256)
        elif kind == 1:
            b = b[: rnd.randrange(len(b))]
        else:
            pos = rnd.randrange(len(b))
            b[pos:pos] = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 8)))
        r2 = dict(recs)
        if k % 7 == 0 and r2:  # also shrink a storage record
            key = rnd.choice(sorted(r2))
            r2[key] = r2[key][: rnd.randrange(len(r2[key]) + 1)]
        p = os.path.join(tmp, f"mut_pkl{k}.pt")
        write_archive(p, bytes(b), r2)
        mutants.append(p)
    # every mode: the print, --list, --tree, --stats (text and JSON); diff
    # of each mutant against the file it came from (exit 0, 1 or 2)
    for mode in ([], ["--list"], ["--tree"], ["--stats"], ["--stats", "--json"]):
        r = run_ptcat(ptcat, mode + mutants)
        err_lines = r.stderr.decode("utf-8", "replace").splitlines()
        bad_lines = [l for l in err_lines if not l.startswith("ptcat: error: ")]
        what = " ".join(["mutants"] + mode)
        if r.returncode not in (0, 1) or bad_lines or len(err_lines) > len(mutants):
            fail(what, f"exit {r.returncode}; stray stderr lines: {bad_lines[:5]}")
        else:
            passed(f"{what}: {len(mutants)} files, {len(err_lines)} rejected, no crash")
    crashes = []
    for m in mutants[::4]:
        r = run_ptcat(ptcat, ["diff", src, m])
        err_lines = r.stderr.decode("utf-8", "replace").splitlines()
        if r.returncode not in (0, 1, 2) or len(err_lines) > 1 or \
                any(not l.startswith("ptcat: error: ") for l in err_lines):
            crashes.append(f"{os.path.basename(m)}: exit {r.returncode}, {err_lines[:2]}")
    if crashes:
        fail("mutants diff", "\n".join(crashes[:5]))
    else:
        passed(f"mutants diff: {len(mutants[::4])} files against their source, no crash")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ptcat", required=True)
    ap.add_argument("--part", choices=["outputs", "errors", "memory", "all"], default="all")
    ap.add_argument("--rss-bound", action="store_true",
                    help="memory: check the peak RSS too (not under a sanitizer)")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="ptcat_test_")
    try:
        if args.part in ("outputs", "all"):
            check_outputs(args.ptcat, tmp)
        if args.part in ("errors", "all"):
            check_errors(args.ptcat, tmp)
            check_handmade(args.ptcat, tmp)
        if args.part in ("memory", "all"):
            check_int_list_memory(args.ptcat, tmp, args.rss_bound)
    finally:
        if args.keep:
            print(f"files kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
