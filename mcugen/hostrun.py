"""Compile generated C for the host (gcc, -Werror, ASan + UBSan) and run it on many inputs.

The oracle harness: one compiled binary reads N samples from stdin and writes N outputs, so
checking hundreds of inputs against tflite-micro costs one process start.

    library = pipeline.generate(graph, pipeline.Target("portable"))
    program = build_host(library.sources, workdir, graph=graph)
    outputs = program.run([[x0], [x1], ...])      # per sample: one array per model input
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from mcugen import procs
from mcugen.codegen import Sources, host_driver
from mcugen.errors import ToolchainError
from mcugen.ir import DTYPES

if TYPE_CHECKING:
    from mcugen.ops.base import KernelCall

WARNINGS = ("-std=c99", "-Wall", "-Wextra", "-Werror")
SANITIZE = ("-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer")


@dataclass(frozen=True)
class HostProgram:
    path: Path
    input_shapes: tuple[tuple[int, ...], ...]
    input_bytes: tuple[int, ...]
    output_shapes: tuple[tuple[int, ...], ...]
    output_bytes: tuple[int, ...]
    output_dtypes: tuple[str, ...] = ()  # numpy dtype names; int8 when empty (float32 after DEQUANTIZE)

    def run(self, samples: Sequence[Sequence[np.ndarray]], timeout: float = 600) -> list[list[np.ndarray]]:
        """Invoke once per sample; returns per sample one array per model output (int8 or float32)."""
        chunks = []
        for sample in samples:
            if len(sample) != len(self.input_bytes):
                raise ValueError(f"sample has {len(sample)} inputs, the model takes {len(self.input_bytes)}")
            for x, n in zip(sample, self.input_bytes):
                raw = np.ascontiguousarray(x).tobytes()
                if len(raw) != n:
                    raise ValueError(f"input of {len(raw)} bytes, expected {n}")
                chunks.append(raw)
        proc = procs.run([str(self.path)], input=b"".join(chunks), capture_output=True, timeout=timeout)
        if proc.returncode != 0:
            raise RuntimeError(f"{self.path.name} exited {proc.returncode}:\n"
                               f"{proc.stderr.decode(errors='replace')[-4000:]}")
        per_sample = sum(self.output_bytes)
        if len(proc.stdout) != per_sample * len(samples):
            raise RuntimeError(f"expected {per_sample * len(samples)} output bytes, got {len(proc.stdout)}")
        results = []
        for s in range(len(samples)):
            pos, outs = s * per_sample, []
            dtypes = self.output_dtypes or ("int8",) * len(self.output_shapes)
            for shape, n, dtype in zip(self.output_shapes, self.output_bytes, dtypes):
                outs.append(np.frombuffer(proc.stdout[pos:pos + n], dtype=dtype).reshape(shape).copy())
                pos += n
            results.append(outs)
        return results


def compile_c(files: Sequence[Path], output: Path, include_dirs: Sequence[Path] = (),
              cflags: Sequence[str] = (), cc: str = "gcc", link: bool = True) -> None:
    """Run a C compiler; a failure raises ToolchainError with the compiler's message."""
    if shutil.which(cc) is None:
        raise ToolchainError(f"{cc} not found", hint="run ./dev setup (installs the compilers)")
    cmd = [cc, *cflags, *[f"-I{d}" for d in include_dirs], *map(str, files),
           *([] if link else ["-c"]), "-o", str(output)]
    proc = procs.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0 or proc.stderr.strip():
        raise ToolchainError(f"{cc} failed on the generated code:\n{proc.stderr[-4000:]}",
                             hint="this is a bug in mcugen's code generator or kernels")


def kernel_object(source: Path, headers: Sequence[Path], flags: Sequence[str], cc: str = "gcc") -> Path:
    """Compile one kernel to an object file, cached by content and flags across builds (kernels
    are the same for every model; compiling them with the sanitizers dominated each build)."""
    key = hashlib.sha256("\0".join([cc, *flags]).encode())
    for path in (source, *sorted(headers)):
        key.update(path.name.encode() + b"\0" + path.read_bytes())
    cache = Path(tempfile.gettempdir()) / f"mcugen-objects-{os.getuid()}"
    cache.mkdir(exist_ok=True)
    obj = cache / f"{source.stem}-{key.hexdigest()[:20]}.o"
    if not obj.is_file():
        tmp = cache / f".{obj.name}.{os.getpid()}.tmp"
        compile_c([source], tmp, [source.parent], flags, cc=cc, link=False)
        os.replace(tmp, obj)  # atomic: parallel test workers may build the same object
    return obj


def write_host_driver(workdir: str | Path, prefix: str = "model", arenas: tuple[str, ...] = ()) -> Path:
    """Write the stdin/stdout test driver (host_main.c) for the library with `prefix` into
    `workdir`; returns its path. build_host does this; use it to compile a library yourself."""
    path = Path(workdir) / "host_main.c"
    path.write_text(host_driver(prefix, arenas))
    return path


def build_host(sources: Sources, workdir: str | Path, graph=None, sanitize: bool = True,
               opt: str = "-O2", cc: str = "gcc") -> HostProgram:
    """Write `sources` into `workdir`, compile them with a stdin/stdout test driver, return the program.

    `graph` (required) gives the I/O shapes and dtypes. Kernels are compiled once per content
    and flags (`kernel_object`), so a second model with the same kernels compiles only its own
    files.
    """
    if graph is None:
        raise ValueError("build_host needs the graph for I/O shapes")
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    sources.write(workdir)
    main = write_host_driver(workdir, sources.prefix, sources.arenas)
    exe = workdir / "model_host"
    flags = [*WARNINGS, opt, "-g", *(SANITIZE if sanitize else ())]
    kernels = [kernel_object(workdir / k, [workdir / h for h in sources.headers], flags, cc)
               for k in sources.kernels]
    compile_c([main, workdir / "model.c", workdir / "model_weights.c", *kernels], exe, [workdir], flags, cc=cc)
    ins = [graph.tensor(t) for t in graph.inputs]
    outs = [graph.tensor(t) for t in graph.outputs]
    return HostProgram(exe, tuple(t.shape for t in ins), tuple(t.nbytes for t in ins),
                       tuple(t.shape for t in outs), tuple(t.nbytes for t in outs),
                       tuple(DTYPES[t.dtype][0] for t in outs))


@dataclass(frozen=True)
class OracleComparison:
    """Generated C on the host versus tflite-micro on the same samples."""

    samples: int
    mismatches: tuple[tuple[int, int, int | float], ...]  # (sample, output, max |difference|)
    arena_bytes: int
    kernels: frozenset[str] = frozenset()  # kernels the generated code calls, e.g. "conv_2d_dsp"

    @property
    def exact(self) -> bool:
        return not self.mismatches


def tflm_outputs(model: bytes, samples: Sequence[Sequence[np.ndarray]]) -> list[list[np.ndarray]]:
    """tflite-micro's outputs for every sample (the device oracle)."""
    from mcugen.oracle import TflmOracle

    oracle = TflmOracle(model)
    return [[np.array(o, copy=True) for o in oracle.run(sample)] for sample in samples]


def build_model(model: bytes, workdir: str | Path, inplace: bool = True, prefix: str = "model",
                sanitize: bool = True, variant: str = "portable", opt: str = "-O2") -> tuple[HostProgram, int]:
    """Lower, plan, generate and compile an int8 .tflite for the host: (program, arena bytes).

    `variant` picks the kernels (mcugen.ops.variants; "dsp" runs the DSP kernels through their
    plain-C intrinsics here)."""
    program, plan, _ = _build_model(model, workdir, inplace, prefix, sanitize, variant, opt)
    return program, int(plan.size)


def _build_model(model: bytes, workdir: str | Path, inplace: bool, prefix: str, sanitize: bool,
                 variant: str, opt: str) -> tuple[HostProgram, Any, list[KernelCall]]:
    """build_model's work, also returning the arena plan and the kernel calls."""
    from mcugen import pipeline
    from mcugen.convert.tflite_reader import read_graph

    graph = read_graph(bytes(model))
    library = pipeline.generate(graph, pipeline.Target(variant), inplace=inplace, prefix=prefix)
    program = build_host(library.sources, workdir, graph=graph, sanitize=sanitize, opt=opt)
    return program, library.plan, list(library.calls)


def diff_outputs(ours: Sequence[Sequence[np.ndarray]],
                 reference: Sequence[Sequence[np.ndarray]]) -> tuple[tuple[int, int, int | float], ...]:
    """(sample, output, max |difference|) for every output that is not bit-identical: same dtype
    and every byte equal (a float 0.0 against -0.0 counts, with difference 0.0)."""
    mismatches = []
    for s, (got, want) in enumerate(zip(ours, reference, strict=True)):
        for o, (a, b) in enumerate(zip(got, want, strict=True)):
            b = np.asarray(b).reshape(a.shape)
            if a.dtype != b.dtype or a.tobytes() != b.tobytes():
                diff = float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64)), initial=0.0))
                exact_ints = np.issubdtype(a.dtype, np.integer) and np.issubdtype(b.dtype, np.integer)
                mismatches.append((s, o, int(diff) if exact_ints else diff))
    return tuple(mismatches)


def compare_with_tflm(model: bytes, samples: Sequence[Sequence[np.ndarray]], workdir: str | Path,
                      inplace: bool = True, prefix: str = "model", sanitize: bool = True,
                      reference: Sequence[Sequence[np.ndarray]] | None = None,
                      variant: str = "portable", opt: str = "-O2") -> OracleComparison:
    """Generate and compile `model` (int8 .tflite bytes) with the `variant` kernels and the
    in-place or separate arena plan, run every sample through it and through tflite-micro (or
    compare with `reference`, tflite-micro's outputs computed before), and list the differences
    of every output byte."""
    program, plan, calls = _build_model(model, workdir, inplace, prefix, sanitize, variant, opt)
    ours = program.run(samples)
    if reference is None:
        reference = tflm_outputs(model, samples)
    return OracleComparison(len(samples), diff_outputs(ours, reference), int(plan.size),
                            frozenset(c.kernel for c in calls if not c.view))


@dataclass(frozen=True)
class ModelsHostProgram:
    """A multi-model library (mcugen.codegen.models) compiled with its script driver: one binary,
    `models[k]` giving model k's I/O shapes."""

    path: Path
    models: tuple[HostProgram, ...]

    def run_script(self, script: Sequence[tuple[str, int, Sequence[np.ndarray] | None]],
                   timeout: float = 600) -> list[tuple[int, list[np.ndarray]]]:
        """Run (command, model, inputs) steps: "L" writes the model's inputs, "I" invokes it, "O"
        reads its outputs, "P" poisons the shared arena arrays. Returns (model, outputs) per "O"."""
        data = bytearray()
        for command, m, inputs in script:
            data += command.encode() + bytes([m])
            if command == "L":
                for x, n in zip(inputs, self.models[m].input_bytes, strict=True):
                    raw = np.ascontiguousarray(x).tobytes()
                    if len(raw) != n:
                        raise ValueError(f"model {m}: input of {len(raw)} bytes, expected {n}")
                    data += raw
        proc = procs.run([str(self.path)], input=bytes(data), capture_output=True, timeout=timeout)
        if proc.returncode != 0:
            raise RuntimeError(f"{self.path.name} exited {proc.returncode}:\n"
                               f"{proc.stderr.decode(errors='replace')[-4000:]}")
        results, pos = [], 0
        for command, m, _ in script:
            if command != "O":
                continue
            model, outs = self.models[m], []
            dtypes = model.output_dtypes or ("int8",) * len(model.output_shapes)
            for shape, n, dtype in zip(model.output_shapes, model.output_bytes, dtypes):
                outs.append(np.frombuffer(proc.stdout[pos:pos + n], dtype=dtype).reshape(shape).copy())
                pos += n
            results.append((m, outs))
        if pos != len(proc.stdout):
            raise RuntimeError(f"expected {pos} output bytes, got {len(proc.stdout)}")
        return results

    def run(self, samples: Sequence[Sequence[Sequence[np.ndarray]]], together: bool = False
            ) -> list[list[list[np.ndarray]]]:
        """Model k runs samples[k], the models taking turns sample by sample, the shared arena
        poisoned before each turn (sequential use), or with `together` (concurrent use): every
        model's inputs written, then every model invoked, then every output read. Returns model
        k's outputs per sample."""
        script: list[tuple[str, int, Sequence[np.ndarray] | None]] = []
        for s in range(max(len(x) for x in samples)):
            turn = [m for m in range(len(samples)) if s < len(samples[m])]
            if together:
                script += [("P", 0, None), *(("L", m, samples[m][s]) for m in turn),
                           *(("I", m, None) for m in turn), *(("O", m, None) for m in turn)]
            else:
                for m in turn:
                    script += [("P", 0, None), ("L", m, samples[m][s]), ("I", m, None), ("O", m, None)]
        per_model: list[list[list[np.ndarray]]] = [[] for _ in samples]
        for m, outs in self.run_script(script):
            per_model[m].append(outs)
        return per_model


def build_host_models(sources: Sources, workdir: str | Path, graphs: Sequence, sanitize: bool = True,
                      opt: str = "-O2", cc: str = "gcc") -> ModelsHostProgram:
    """Write a multi-model library into `workdir` and compile it with its script driver
    (mcugen.codegen.models.host_models_driver); `graphs` give each model's I/O."""
    from mcugen.codegen.models import host_models_driver

    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    sources.write(workdir)
    main = workdir / "host_models_main.c"
    main.write_text(host_models_driver(sources))
    exe = workdir / "models_host"
    flags = [*WARNINGS, opt, "-g", *(SANITIZE if sanitize else ())]
    kernels = [kernel_object(workdir / k, [workdir / h for h in sources.headers], flags, cc)
               for k in sources.kernels]
    generated = [workdir / f for f in sources.files if f.endswith(".c")]
    compile_c([main, *generated, *kernels], exe, [workdir], flags, cc=cc)
    models = []
    for graph in graphs:
        ins = [graph.tensor(t) for t in graph.inputs]
        outs = [graph.tensor(t) for t in graph.outputs]
        models.append(HostProgram(exe, tuple(t.shape for t in ins), tuple(t.nbytes for t in ins),
                                  tuple(t.shape for t in outs), tuple(t.nbytes for t in outs),
                                  tuple(DTYPES[t.dtype][0] for t in outs)))
    return ModelsHostProgram(exe, tuple(models))
