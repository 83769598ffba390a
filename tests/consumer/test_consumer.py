#!/usr/bin/python3
"""pyrepr used by another project (ctest label `package`).

  test_consumer.py installed BUILD_DIR SOURCE_DIR WORK_DIR
      cmake --install BUILD_DIR into WORK_DIR/prefix, then the project in
      tests/consumer finds it with find_package(pyrepr).
  test_consumer.py subdirectory BUILD_DIR SOURCE_DIR WORK_DIR
      the same project adds the source tree with add_subdirectory (as
      FetchContent does), which must define only the library.

Either way the consumer is configured without a build type, built, and run:
it must print what Python prints for the same values. Its second program,
consumer_core, links only pyrepr::pyrepr: ldd must show no LibTorch in it, and
it must print a torch.save file as Python's print(torch.load(f)) does. The
installed headers must be exactly include/pyrepr/*.hpp, and a third program,
which includes an internal header, must fail to compile in either mode.
"""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
from checks import check, failed, finish  # noqa: E402

PYTHON_PRINTS = r'''
import torch
print(repr(torch.arange(6, dtype=torch.float32).reshape(2, 3) / 3))
print(str([1, 'two', 3.5]))
'''

SAVE = r'''
import collections, sys, torch
torch.manual_seed(0)
torch.save(collections.OrderedDict(w=torch.randn(2, 3), b=torch.arange(3), note="lstm"), sys.argv[1])
'''
LOAD_PRINT = "import sys, torch; print(torch.load(sys.argv[1]))"


class StepFailed(Exception):
    pass


def run(cmd, **kw):
    """CMD's output (stderr included); a failed check, and StepFailed, when it fails."""
    print("$ " + " ".join(cmd), flush=True)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kw)
    out = proc.stdout.decode("utf-8", "replace")
    if proc.returncode != 0:
        failed("%s exits 0" % os.path.basename(cmd[0]), "exit status %d\n%s" % (proc.returncode, out))
        raise StepFailed()
    return out


def main():
    try:
        consume()
    except StepFailed:
        pass
    return finish()


def consume():
    if len(sys.argv) != 5 or sys.argv[1] not in ("installed", "subdirectory"):
        sys.exit(__doc__)
    mode, build, source, work = sys.argv[1:]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    configure = ["cmake", "-S", os.path.join(source, "tests", "consumer"),
                 "-B", os.path.join(work, "build")]
    if shutil.which("ninja"):
        configure += ["-G", "Ninja"]
    if mode == "installed":
        prefix = os.path.join(work, "prefix")
        run(["cmake", "--install", build, "--prefix", prefix])
        installed = sorted(os.path.relpath(os.path.join(d, f), prefix)
                           for d, _, files in os.walk(prefix) for f in files
                           if f.endswith((".hpp", ".h", ".inc")))
        public = sorted(os.path.join("include", "pyrepr", f)
                        for f in os.listdir(os.path.join(source, "include", "pyrepr")))
        check("the install's headers are include/pyrepr/*.hpp, all of them and nothing else",
              installed == public, "installed: %s\npublic: %s" % (installed, public))
        configure.append("-DCMAKE_PREFIX_PATH=" + prefix)
    else:
        configure.append("-DPYREPR_SOURCE_DIR=" + source)
    run(configure)
    run(["cmake", "--build", os.path.join(work, "build"), "--parallel", "2"])
    internal = subprocess.run(["cmake", "--build", os.path.join(work, "build"),
                               "--target", "consumer_internal"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    said = internal.stdout.decode("utf-8", "replace")
    check("the %s consumer cannot include an internal header (pyrepr/load/unpickler.hpp)" % mode,
          internal.returncode != 0 and "pyrepr/load/unpickler.hpp" in said
          and "No such file" in said, said)
    got = run([os.path.join(work, "build", "consumer")])
    want = subprocess.run([sys.executable, "-c", PYTHON_PRINTS], stdout=subprocess.PIPE,
                          check=True).stdout.decode()
    check("the %s consumer prints what Python prints" % mode, got == want,
          "the consumer printed\n%s\nPython printed\n%s" % (got, want))
    core = os.path.join(work, "build", "consumer_core")
    libs = run(["ldd", core])
    check("consumer_core, linked with pyrepr::pyrepr only, loads no LibTorch",
          "libtorch" not in libs and "libc10" not in libs, libs)
    saved = os.path.join(work, "state.pt")
    subprocess.run([sys.executable, "-c", SAVE, saved], check=True)
    got = run([core, saved])
    want = subprocess.run([sys.executable, "-c", LOAD_PRINT, saved], stdout=subprocess.PIPE,
                          check=True).stdout.decode()
    check("consumer_core prints a torch.save file as Python does", got == want,
          "consumer_core printed\n%s\nPython printed\n%s" % (got, want))


if __name__ == "__main__":
    sys.exit(main())
