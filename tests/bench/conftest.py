"""Fixtures for the bench tests: the C protocol parser as a shared library, and shared models."""
from __future__ import annotations

import ctypes
import subprocess
from pathlib import Path

import pytest

from hostfw import FW, HOST_C

SHARED_MODELS = Path(__file__).resolve().parents[2] / "../shared/models"


@pytest.fixture(scope="session")
def models_dir() -> Path:
    return SHARED_MODELS.resolve()


@pytest.fixture(scope="session")
def c_proto(tmp_path_factory) -> ctypes.CDLL:
    """firmware/bench/mg_bench_proto.c + the test shim, as a shared library with UBSan."""
    out = tmp_path_factory.mktemp("proto") / "libproto.so"
    cmd = ["gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-O1", "-g", "-shared", "-fPIC",
           "-fsanitize=undefined", "-fno-sanitize-recover=all", f"-I{FW / 'bench'}",
           str(FW / "bench" / "mg_bench_proto.c"), str(HOST_C / "proto_shim.c"), "-o", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr
    lib = ctypes.CDLL(str(out))
    lib.mg_fuzz_feed.restype = ctypes.c_int32
    lib.mg_fuzz_feed.argtypes = [ctypes.c_char_p, ctypes.c_uint32, ctypes.c_char_p, ctypes.c_uint32]
    lib.mg_fuzz_encode.restype = ctypes.c_uint32
    lib.mg_fuzz_encode.argtypes = [ctypes.c_char_p, ctypes.c_uint32, ctypes.c_uint8, ctypes.c_uint8,
                                   ctypes.c_char_p, ctypes.c_uint16]
    return lib
