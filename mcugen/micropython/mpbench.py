"""`mcugen bench --micropython`: run bench.py on a MicroPython board, check it against tflite-micro.

The board runs the bench.py that `mcugen build --target micropython` wrote (through `mpremote run`,
or directly when PORT is a unix-port `micropython` executable). It prints its seed, the ticks of
every run and every output byte; the host recomputes the same inputs, runs tflite-micro on them and
compares byte for byte.
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from mcugen import procs
from mcugen.errors import DeviceError, McugenError, ToolchainError
from mcugen.micropython.project import MANIFEST
from mcugen.micropython.render import banner, render_bench
from mcugen.micropython.targets import resolve_target
from mcugen.report import Reporter

UNIX_HEAP = "64M"  # the unix port copies the whole .mpy (weights too) into its heap at import
HEADER = "mcugen-mpy-bench 1"


def lcg_pattern(n: int, seed: int) -> bytes:
    """Host twin of bench.py's `pattern`: a 16-bit LCG whose high bytes are the input."""
    x = seed & 0xFFFF
    out = bytearray(n)
    for i in range(n):
        x = (x * 12869 + 6925) & 0xFFFF
        out[i] = x >> 8
    return bytes(out)


@dataclass(frozen=True)
class BoardReport:
    """What bench.py printed."""

    module: str
    sha256: str
    seed: int
    import_bytes: int
    ticks_us: tuple[int, ...]
    outputs: tuple[bytes, ...]
    checksum: str
    source: str = "firmware"  # where the board imported the module from (a .mpy path or firmware)


@dataclass(frozen=True)
class MpyBenchResult:
    module: str
    board: str
    arch: str
    sha256: str
    runs: int
    ticks_us: tuple[int, ...]
    import_bytes: int
    output_bytes: tuple[int, ...]
    mismatched_bytes: tuple[int, ...]  # per output: bytes that differ from tflite-micro
    checksum_ok: bool
    source: str = "firmware"  # the natmod's path on the board, or "firmware" (USER_C_MODULES)
    model: str = ""  # which model of a module holding several (its C prefix)

    @property
    def exact(self) -> bool:
        return self.checksum_ok and not any(self.mismatched_bytes)

    @property
    def median_us(self) -> float:
        return float(statistics.median(self.ticks_us)) if self.ticks_us else 0.0

    def as_json(self) -> dict:
        return {"module": self.module, "board": self.board, "arch": self.arch, "sha256": self.sha256,
                "runs": self.runs, "ticks_us": list(self.ticks_us), "median_us": self.median_us,
                "import_bytes": self.import_bytes, "output_bytes": list(self.output_bytes),
                "mismatched_bytes": list(self.mismatched_bytes), "checksum_ok": self.checksum_ok,
                "exact": self.exact, "source": self.source, **({"model": self.model} if self.model else {})}


def parse_report(text: str) -> BoardReport:
    lines = [ln.strip() for ln in text.replace("\r", "").splitlines()]
    if HEADER not in lines:
        tail = "\n".join(ln for ln in lines if ln)[-1500:] or "(no output)"
        raise DeviceError(f"the board did not run bench.py to the end:\n{tail}",
                          hint=_failure_hint(tail))
    body = lines[lines.index(HEADER) + 1:]
    fields: dict[str, str] = {}
    outputs: dict[int, bytes] = {}
    for line in body:
        if line == "end":
            break
        key, _, value = line.partition(" ")
        if key == "output":
            index, _, hexdata = value.partition(" ")
            outputs[int(index)] = bytes.fromhex(hexdata)
        else:
            fields[key] = value
    else:
        raise DeviceError("bench.py's report stopped early (no `end` line)",
                          hint="check the board's serial connection and run again")
    try:
        return BoardReport(fields["module"], fields["model"], int(fields["seed"]),
                           int(fields["import_bytes"]), tuple(int(t) for t in fields["ticks_us"].split()),
                           tuple(outputs[i] for i in range(len(outputs))), fields["checksum"],
                           fields.get("source", "firmware"))
    except (KeyError, ValueError) as exc:
        raise DeviceError(f"unreadable bench report ({exc})", hint="regenerate bench.py with mcugen build") from exc


def _failure_hint(tail: str) -> str:
    if "MemoryError" in tail:
        return ("the MicroPython heap is too small for this natmod (code, weights and arena are "
                "copied into it): build usercmodule/ into the firmware instead")
    if "ImportError" in tail or "no module named" in tail.lower():
        return ("install the module first: mpremote cp natmod/MODULE.mpy :  (or pass --install, "
                "or --mount to import it from this computer)")
    if "incompatible .mpy" in tail or "ValueError: incompatible" in tail:
        return "the .mpy's ARCH does not match this firmware: rebuild for the right --board"
    return "run `mpremote connect PORT run bench.py` in the build folder to see the board's output"


def load_manifest(build_dir: Path) -> dict:
    path = build_dir / MANIFEST
    if not path.is_file():
        raise McugenError(f"{build_dir} is not a MicroPython build folder (no {MANIFEST})",
                          hint="create one with: mcugen build MODEL --target micropython --board B -o DIR")
    return json.loads(path.read_text())


INSTALL_MODES = ("", "copy", "mount")


def run_bench_script(build_dir: Path, script: Path, port: str, module: str, install: str = "",
                     timeout: float = 900) -> str:
    """Run `script` (a bench.py) on `port` and return everything it printed.

    `install`: "copy" the natmod onto the board's filesystem first, "mount" the natmod folder
    (mpremote's remote filesystem: nothing is written to the board), or "" (it is already there,
    or built into the firmware)."""
    if install not in INSTALL_MODES:
        raise ValueError(f"install must be one of {INSTALL_MODES}, not {install!r}")
    natmod = build_dir / "natmod"
    if os.path.isfile(port) and os.access(port, os.X_OK):  # a unix-port executable
        if not (natmod / f"{module}.mpy").is_file():
            raise McugenError(f"{natmod / (module + '.mpy')} is not built",
                              hint="build it: make -C natmod MPY_DIR=/path/to/micropython")
        cmd = [port, "-X", f"heapsize={UNIX_HEAP}", str(script)]
        env = {**os.environ, "MICROPYPATH": f"{natmod}:.frozen"}
    else:
        mpremote = shutil.which("mpremote") or str(Path(sys.executable).with_name("mpremote"))
        if not Path(mpremote).exists():
            raise ToolchainError("mpremote not found", hint="pip install mpremote")
        cmd = [mpremote, "connect", port]
        if install == "copy":
            cmd += ["cp", str(natmod / f"{module}.mpy"), f":{module}.mpy", "+"]
        elif install == "mount":
            cmd += ["mount", str(natmod), "+"]
        cmd += ["run", str(script)]
        env = dict(os.environ)
    try:
        proc = procs.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as exc:
        raise DeviceError(f"bench.py did not finish within {timeout:.0f} s on {port}",
                          hint="check the board is running MicroPython and nothing else holds the port") from exc
    return proc.stdout + proc.stderr


def check_report(report: BoardReport, build_dir: Path, manifest: dict) -> MpyBenchResult:
    """Recompute the inputs, run tflite-micro on them and compare with what the board printed."""
    if report.sha256 != manifest["sha256"]:
        raise DeviceError(f"the board's module {report.module!r} was built from model "
                          f"{report.sha256[:12]}…, this build folder holds {manifest['sha256'][:12]}…",
                          hint="install this build's module (pass --install, or mpremote cp)")
    expected = _expected((build_dir / manifest["model"]).read_bytes(), lambda i: report.seed + i)
    if len(report.outputs) != len(expected):
        raise DeviceError(f"the board printed {len(report.outputs)} outputs, the model has {len(expected)}",
                          hint="regenerate the build folder and reinstall the module")
    mismatched = tuple(sum(a != b for a, b in zip(got, want)) + abs(len(got) - len(want))
                       for got, want in zip(report.outputs, expected))
    checksum_ok = f"{zlib.adler32(b''.join(report.outputs)):08x}" == report.checksum
    return MpyBenchResult(report.module, manifest["board"], manifest["arch"], report.sha256,
                          len(report.ticks_us), report.ticks_us, report.import_bytes,
                          tuple(len(e) for e in expected), mismatched, checksum_ok, report.source)


def _expected(tflite: bytes, seed_of) -> list[bytes]:
    """tflite-micro's outputs for bench.py's inputs: input i is the LCG pattern of `seed_of(i)`."""
    from mcugen.convert.tflite_reader import read_graph
    from mcugen.oracle import TflmOracle

    graph = read_graph(tflite)
    not_int8 = [graph.tensor(t).dtype for t in graph.inputs if graph.tensor(t).dtype != "INT8"]
    if not_int8:  # bench.py fills inputs with random bytes: as floats they could be NaN
        raise McugenError(f"bench --micropython feeds int8 inputs; this model takes {not_int8[0]}",
                          hint="convert the model with int8 inputs (mcugen convert does)")
    inputs = []
    for i, tid in enumerate(graph.inputs):
        t = graph.tensor(tid)
        raw = lcg_pattern(t.nbytes, seed_of(i))
        inputs.append(np.frombuffer(raw, dtype=np.int8).reshape(t.shape))
    return [np.ascontiguousarray(y).tobytes() for y in TflmOracle(tflite).run(inputs)]


MODELS_HEADER = "mcugen-mpy-bench 2"  # bench.py of a module holding several models


@dataclass(frozen=True)
class ModelReport:
    """One model's part of a bench.py report of several models."""

    index: int
    name: str
    sha256: str
    ticks_us: tuple[int, ...]
    outputs: tuple[bytes, ...]


def parse_models_report(text: str) -> tuple[BoardReport, tuple[ModelReport, ...]]:
    """What bench.py of a module of several models printed: the module's lines (in a
    BoardReport without sha256, ticks and outputs) and each model's."""
    lines = [ln.strip() for ln in text.replace("\r", "").splitlines()]
    if MODELS_HEADER not in lines:
        tail = "\n".join(ln for ln in lines if ln)[-1500:] or "(no output)"
        raise DeviceError(f"the board did not run bench.py to the end:\n{tail}", hint=_failure_hint(tail))
    fields: dict[str, str] = {}
    models: dict[int, dict] = {}
    for line in lines[lines.index(MODELS_HEADER) + 1:]:
        if line == "end":
            break
        key, _, value = line.partition(" ")
        parts = value.split()
        try:
            if key == "model":
                models[int(parts[0])] = {"name": parts[1], "sha256": parts[2], "ticks": (), "outputs": {}}
            elif key == "ticks_us":
                models[int(parts[0])]["ticks"] = tuple(int(t) for t in parts[1:])
            elif key == "output":
                models[int(parts[0])]["outputs"][int(parts[1])] = bytes.fromhex(parts[2] if len(parts) > 2 else "")
            else:
                fields[key] = value
        except (IndexError, KeyError, ValueError) as exc:
            raise DeviceError(f"unreadable bench report line {line!r} ({exc})",
                              hint="regenerate bench.py with mcugen build") from exc
    else:
        raise DeviceError("bench.py's report stopped early (no `end` line)",
                          hint="check the board's serial connection and run again")
    try:
        board = BoardReport(fields["module"], "", int(fields["seed"]), int(fields["import_bytes"]), (), (),
                            fields["checksum"], fields.get("source", "firmware"))
    except (KeyError, ValueError) as exc:
        raise DeviceError(f"unreadable bench report ({exc})", hint="regenerate bench.py with mcugen build") from exc
    return board, tuple(ModelReport(i, m["name"], m["sha256"], m["ticks"],
                                    tuple(m["outputs"][k] for k in range(len(m["outputs"]))))
                        for i, m in sorted(models.items()))


def check_models_report(board: BoardReport, models: Sequence[ModelReport], build_dir: Path,
                        manifest: dict) -> tuple[MpyBenchResult, ...]:
    """Each model's outputs against its own tflite-micro (inputs: bench.py's LCG, seed
    SEED + 16 * model + input)."""
    built = manifest["models"]
    if [(m.name, m.sha256) for m in models] != [(b["prefix"], b["sha256"]) for b in built]:
        raise DeviceError(f"the board's module {board.module!r} holds the models "
                          f"{', '.join(m.name for m in models)}, not this build folder's "
                          f"{', '.join(b['prefix'] for b in built)}",
                          hint="install this build's module (pass --install, or mpremote cp)")
    everything = b"".join(out for m in models for out in m.outputs)
    checksum_ok = f"{zlib.adler32(everything):08x}" == board.checksum
    results = []
    for m, b in zip(models, built):
        expected = _expected((build_dir / b["model"]).read_bytes(), lambda i, k=m.index: board.seed + 16 * k + i)
        if len(m.outputs) != len(expected):
            raise DeviceError(f"the board printed {len(m.outputs)} outputs of {m.name}, it has {len(expected)}",
                              hint="regenerate the build folder and reinstall the module")
        mismatched = tuple(sum(a != c for a, c in zip(got, want)) + abs(len(got) - len(want))
                           for got, want in zip(m.outputs, expected))
        results.append(MpyBenchResult(board.module, manifest["board"], manifest["arch"], m.sha256,
                                      len(m.ticks_us), m.ticks_us, board.import_bytes,
                                      tuple(len(e) for e in expected), mismatched, checksum_ok, board.source,
                                      m.name))
    return tuple(results)


def bench_micropython(build_dir: str | Path, port: str, install: str = "",
                      runs: int | None = None, seed: int | None = None,
                      reporter: Reporter | None = None) -> "MpyBenchResult | tuple[MpyBenchResult, ...]":
    """The whole `mcugen bench --micropython`: run, parse, check. Other `runs`/`seed` than the
    build folder's bench.py has run a re-rendered copy of it. A module of several models gives a
    result per model (a tuple)."""
    rep = reporter or Reporter(quiet=True)
    build_dir = Path(build_dir)
    manifest = load_manifest(build_dir)
    module = manifest["module"]
    runs = manifest["runs"] if runs is None else runs
    seed = manifest["seed"] if seed is None else seed
    rep.stage(1, 2, "run", f"bench.py of {module!r} on {port}: {runs} runs, seed {seed}")
    with tempfile.TemporaryDirectory(prefix="mcugen-mpy-") as tmp:
        script = build_dir / "bench.py"
        if (runs, seed) != (manifest["runs"], manifest["seed"]):
            script = Path(tmp) / "bench.py"
            several = "models" in manifest
            sha = (",".join(m["sha256"][:16] for m in manifest["models"]) if several else manifest["sha256"])
            script.write_text(render_bench(banner(resolve_target(manifest["board"]), sha), module, runs, seed,
                                           str(build_dir), several))
        text = run_bench_script(build_dir, script, port, module, install)
    rep.stage(2, 2, "check", "outputs against tflite-micro")
    if "models" in manifest:
        return check_models_report(*parse_models_report(text), build_dir, manifest)
    return check_report(parse_report(text), build_dir, manifest)


def report_result(result: MpyBenchResult, rep: Reporter) -> None:
    ticks = result.ticks_us
    where = ("built into the firmware" if result.source == "firmware"
             else f"natmod {result.arch} from {result.source}")
    rows = [("module", f"{result.module} ({where}; built for {result.board})"),
            *([("model", result.model)] if result.model else []),
            ("runs", result.runs),
            ("ticks_us median / min / max",
             f"{result.median_us:g} / {min(ticks, default=0)} / {max(ticks, default=0)}"),
            ("heap used by import", f"{result.import_bytes} B"),
            ("outputs vs tflite-micro", "bit-exact" if result.exact else
             f"DIFFERENT ({', '.join(map(str, result.mismatched_bytes))} bytes differ"
             f"{'' if result.checksum_ok else ', checksum wrong'})")]
    rep.table("MicroPython benchmark", ["figure", "value"], rows)
