"""The host side of `mcugen bench --micropython`, checked without MicroPython.

bench.py is plain Python, so CPython runs it against a stand-in for the MicroPython module: the
generated model library compiled as a shared object and driven through ctypes the way the C
bindings drive it. The report it prints goes through the real parser and tflite-micro check.
"""
from __future__ import annotations

import ast
import subprocess
import sys
import zlib

import pytest

from mcugen.errors import DeviceError
from mcugen.micropython.mpbench import check_report, lcg_pattern, load_manifest, parse_report

from .helpers import build_folder

STAND_IN = '''
import ctypes, os
class Info(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("rank", ctypes.c_int32), ("dims", ctypes.c_int32 * 6),
                ("bytes", ctypes.c_int32), ("scale", ctypes.c_float), ("zero_point", ctypes.c_int32)]
lib = ctypes.CDLL(os.environ["MODEL_SO"])
lib.model_input.restype = lib.model_output.restype = ctypes.c_void_p
def _infos(symbol, count):
    return (Info * count).in_dll(lib, symbol)
NUM_INPUTS = int(os.environ["NUM_INPUTS"])
NUM_OUTPUTS = int(os.environ["NUM_OUTPUTS"])
MODEL_SHA256 = ctypes.c_char_p.in_dll(lib, "stand_in_sha").value.decode()
ins, outs = _infos("model_input_info", NUM_INPUTS), _infos("model_output_info", NUM_OUTPUTS)
def input_shape(i=0):
    return tuple(ins[i].dims[:ins[i].rank])
def last_ticks_us():
    return 0
def invoke(*xs):
    for i, x in enumerate(xs):
        assert len(x) == ins[i].bytes
        ctypes.memmove(lib.model_input(i), bytes(x), len(x))
    assert lib.model_invoke() == 0
    got = [ctypes.string_at(lib.model_output(i), outs[i].bytes) for i in range(NUM_OUTPUTS)]
    return got[0] if NUM_OUTPUTS == 1 else tuple(got)
'''


def _bench_functions(path):
    """bench.py's own `pattern` and `adler32`, taken from the rendered file."""
    tree = ast.parse(path.read_text())
    funcs = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in ("pattern", "adler32")]
    scope: dict = {}
    exec(compile(ast.Module(body=funcs, type_ignores=[]), str(path), "exec"), scope)
    return scope["pattern"], scope["adler32"]


@pytest.fixture(scope="module")
def ad_run(tmp_path_factory):
    """bench.py of the AD model run by CPython on the stand-in; returns (folder, its output)."""
    tmp = tmp_path_factory.mktemp("bench")
    out = tmp / "ad_build"
    build_folder("ad", "unix", out, name="model")
    natmod = out / "natmod"
    (natmod / "stand_in.c").write_text(
        '#include "model.h"\nconst char *stand_in_sha = MODEL_MODEL_SHA256;\n')
    so = tmp / "libgenerated.so"  # not model.so: Python would import it as an extension
    c_files = [str(p) for p in natmod.glob("*.c") if not p.name.endswith("_mpy.c")]
    subprocess.run(["gcc", "-std=c99", "-O1", "-shared", "-fPIC", "-Wall", "-Werror", f"-I{natmod}",
                    *c_files, "-o", str(so)], check=True)
    (tmp / "model.py").write_text(STAND_IN)
    proc = subprocess.run([sys.executable, str(out / "bench.py")], capture_output=True, text=True,
                          env={"PYTHONPATH": str(tmp), "MODEL_SO": str(so), "NUM_INPUTS": "1",
                               "NUM_OUTPUTS": "1"}, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return out, proc.stdout


def test_host_twins_equal_bench_py(ad_run):
    out, _ = ad_run
    pattern, adler32 = _bench_functions(out / "bench.py")
    for n, seed in [(1, 0), (640, 0), (4096, 3), (27648, 65535)]:
        assert bytes(pattern(n, seed)) == lcg_pattern(n, seed)
    chunks = [lcg_pattern(700, 1), lcg_pattern(13, 2)]
    assert adler32(chunks) == f"{zlib.adler32(b''.join(chunks)):08x}"
    assert len(set(lcg_pattern(4096, 0))) > 200  # the inputs cover the int8 range


def test_board_report_checks_against_tflite_micro(ad_run):
    out, text = ad_run
    manifest = load_manifest(out)
    report = parse_report(text)
    assert report.seed == manifest["seed"] and len(report.ticks_us) == manifest["runs"]
    assert report.import_bytes == -1  # CPython's gc cannot tell
    assert report.source.endswith("model.py")  # the stand-in, imported from a file
    result = check_report(report, out, manifest)
    assert result.exact and result.output_bytes == (640,)

    # one flipped output byte: found, counted, and the checksum no longer matches
    line = next(ln for ln in text.splitlines() if ln.startswith("output 0 "))
    hexdata = line.split()[2]
    flipped = f"{(int(hexdata[:2], 16) ^ 1):02x}" + hexdata[2:]
    bad = check_report(parse_report(text.replace(hexdata, flipped)), out, manifest)
    assert not bad.exact and bad.mismatched_bytes == (1,) and not bad.checksum_ok

    # a report of another model is refused, not compared
    other = text.replace(manifest["sha256"], "0" * 64)
    with pytest.raises(DeviceError):
        check_report(parse_report(other), out, manifest)


@pytest.mark.parametrize("printed,hint", [
    ("Traceback (most recent call last):\nMemoryError: memory allocation failed", "heap"),
    ("ImportError: no module named 'kws'", "mpremote cp"),
    ("", "mpremote connect"),
])
def test_board_failures_become_device_errors_with_hints(printed, hint):
    with pytest.raises(DeviceError) as info:
        parse_report(printed)
    assert hint in info.value.hint


def test_truncated_report_is_refused():
    with pytest.raises(DeviceError):
        parse_report("mcugen-mpy-bench 1\nmodule m\nmodel abc\nseed 0\n")
