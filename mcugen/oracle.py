"""TFLite Micro, run on the host through its Python runtime: the device oracle.

Generated code must equal these outputs bit for bit. TFLM's arena accounting is only printed by
`print_allocations()` on C file descriptor 2, so `tflm_arena_usage` runs it in a subprocess (a
too-small arena can also crash the process) and parses the figures.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from mcugen import procs

DEFAULT_ARENA = 8 * 1024 * 1024


class TflmOracle:
    """One tflite-micro interpreter kept open for many invokes. A model with a dynamic batch runs
    at batch 1, as mcugen generates it (`canonicalise.batch`: tflite-micro never resizes, so on
    static shapes TensorFlow wrote wrong it computes garbage)."""

    def __init__(self, model: bytes, arena_size: int = DEFAULT_ARENA):
        from tflite_micro.python.tflite_micro import runtime

        from mcugen.canonicalise.batch import fix_dynamic_batch
        from mcugen.convert.tflite_reader import read_graph

        model, _ = fix_dynamic_batch(bytes(model))
        self._num_outputs = len(read_graph(bytes(model)).outputs)
        self._it = runtime.Interpreter.from_bytes(bytes(model), arena_size=arena_size)

    def run(self, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        for i, x in enumerate(inputs):
            self._it.set_input(np.ascontiguousarray(x), i)
        self._it.invoke()
        return [np.array(self._it.get_output(i), copy=True) for i in range(self._num_outputs)]


@dataclass(frozen=True)
class TflmArena:
    total: int
    head: int  # planned activations + kernel scratch
    tail: int  # TFLM's persistent run-time structures


_PROBE = r"""
import sys
from tflite_micro.python.tflite_micro import runtime
buf = open(sys.argv[1], 'rb').read()
it = runtime.Interpreter.from_bytes(buf, arena_size=int(sys.argv[2]))
it.print_allocations()
"""


def tflm_arena_usage(model_path: str, arena_size: int = DEFAULT_ARENA, timeout: float = 120) -> TflmArena:
    """Measure TFLM's own arena planning on `model_path` (a file) in a subprocess."""
    proc = procs.run([sys.executable, "-c", _PROBE, str(model_path), str(arena_size)],
                     capture_output=True, text=True, timeout=timeout)
    text = proc.stdout + proc.stderr
    def grab(pattern: str) -> int:
        m = re.search(pattern, text)
        if not m:
            raise RuntimeError(f"could not read TFLM arena usage (exit {proc.returncode}):\n{text[-2000:]}")
        return int(m.group(1))
    total = grab(r"Arena allocation total (\d+) bytes")
    head = grab(r"Arena allocation head (\d+) bytes")
    tail = grab(r"Arena allocation tail (\d+) bytes")
    return TflmArena(total, head, tail)
