"""Code generation: (Graph, [KernelCall], ArenaPlan) -> Sources. Pure: writes nothing.

Python computes every name, number and call string here; the templates in mcugen/templates only
loop and substitute. `Sources.write(dir)` copies the generated files plus the kernel sources
and headers they need from firmware/ into one flat directory.
"""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import jinja2

from mcugen import __version__
from mcugen.arena import ArenaPlan
from mcugen.errors import McugenError
from mcugen.ir import Graph
from mcugen.ops.base import ConstRef, FunctionRef, KernelCall, NullRef, ScratchRef, TensorRef

CTYPES = {"INT8": "int8_t", "INT16": "int16_t", "INT32": "int32_t", "UINT8": "uint8_t",
          "FLOAT32": "float", "BOOL": "uint8_t", "INT64": "int64_t", "UINT32": "uint32_t",
          "INT4": "uint8_t"}  # INT4: packed bytes, two values each
ARENA_ALIGN = 16
WEIGHT_ALIGN = 16
GENERATED = ("model.h", "model.c", "model_weights.c")


def firmware_dir() -> Path:
    """The kernel library: packaged as mcugen/firmware, or the repository's firmware/."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "firmware", here.parent / "firmware"):
        if (candidate / "include" / "mg_types.h").is_file():
            return candidate
    raise McugenError("mcugen's C kernel library (firmware/) is missing from this installation",
                      hint="reinstall mcugen (pip install -e . from a checkout)")


@dataclass(frozen=True)
class Sources:
    """Generated C files (relative path -> text) and the firmware files they need."""

    files: Mapping[str, str]
    kernels: tuple[str, ...]  # firmware/kernels/*.c needed
    headers: tuple[str, ...]  # firmware/include/*.h needed
    prefix: str = "model"
    arena_bytes: int = 0
    weight_bytes: int = 0
    state_bytes: int = 0  # persistent state area (recurrent models), beside the arena
    layer_names: tuple[str, ...] = field(default_factory=tuple)

    def firmware_paths(self) -> list[Path]:
        fw = firmware_dir()
        return ([fw / "include" / h for h in self.headers] + [fw / "kernels" / k for k in self.kernels])

    def write(self, out_dir: str | Path) -> list[Path]:
        """Write generated files and copy needed firmware files flat into `out_dir` (exists)."""
        out_dir = Path(out_dir)
        written = []
        for rel, text in self.files.items():
            (out_dir / rel).write_text(text)
            written.append(out_dir / rel)
        for src in self.firmware_paths():
            shutil.copyfile(src, out_dir / src.name)
            written.append(out_dir / src.name)
        return written

    def c_files(self, out_dir: str | Path) -> list[Path]:
        out_dir = Path(out_dir)
        return [out_dir / f for f in ("model.c", "model_weights.c")] + [out_dir / k for k in self.kernels]


_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def check_prefix(prefix: str) -> str:
    if not _IDENT.match(prefix) or len(prefix) > 40:
        raise McugenError(f"--name {prefix!r} is not a valid C identifier prefix",
                          hint="use letters, digits and underscores, starting with a letter, e.g. kws")
    return prefix


def _c_string(text: str) -> str:
    return '"' + "".join(c if (c.isprintable() and c not in '"\\?') else f"\\{ord(c):03o}"
                         for c in text) + '"'


def _c_float(x: float) -> str:
    import numpy as np

    return np.format_float_scientific(np.float32(x), unique=True) + "f"


def _c_values(values: Any, ctype: str, per_line: int = 16) -> str:
    if ctype == "float":
        items = [_c_float(v) for v in values]
    elif ctype == "int32_t":
        # INT32_MIN has no literal in C; spell it as an expression
        items = [str(int(v)) if int(v) != -(1 << 31) else "(-2147483647 - 1)" for v in values]
    else:
        items = [str(int(v)) for v in values]
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return ",\n    ".join(lines) if lines else "0"


def _tensor_values(graph: Graph, tid: int) -> Any:
    t = graph.tensor(tid)
    if t.dtype == "INT4":  # kept packed in flash: the kernels unpack
        return list(t.data)
    return t.array().reshape(-1).tolist()


def _arena_ptr(prefix: str, ctype: str, offset: int, const: bool) -> str:
    qual = "const " if const else ""
    return f"({qual}{ctype} *)({prefix}_arena + {offset})"


def generate_sources(graph: Graph, plan: ArenaPlan, calls: list[KernelCall], prefix: str = "model",
                     planner: str | None = None) -> Sources:
    """Render model.h/model.c/model_weights.c for `graph` lowered to `calls` and placed by `plan`
    (`mcugen.arena.plan_arena`'s: tensor id -> byte offset, op index -> scratch offset)."""
    prefix = check_prefix(prefix)
    offsets = plan.tensor_offsets
    weights: dict[int, dict[str, Any]] = {}

    def weight(tid: int) -> str:
        t = graph.tensor(tid)
        if tid not in weights:
            weights[tid] = {"symbol": f"{prefix}_w{tid}", "ctype": CTYPES[t.dtype], "count": t.nbytes // t.itemsize,
                            "comment": t.name.replace("*/", "* /"),
                            "body": _c_values(_tensor_values(graph, tid), CTYPES[t.dtype])}
        return weights[tid]["symbol"]

    def tensor_arg(tid: int, const: bool) -> str:
        t = graph.tensor(tid)
        if t.is_constant:
            return weight(tid)
        if t.variable:
            return f"({CTYPES[t.dtype]} *)({prefix}_state + {plan.state_offsets[tid]})"
        return _arena_ptr(prefix, CTYPES[t.dtype], offsets[tid], const)

    consts, layers, params, kernels, headers = [], [], [], set(), set()
    for call in calls:
        base = f"{prefix}_l{call.op_index}"
        is_alias = (call.view and not graph.tensor(call.inputs[0]).is_constant
                    and offsets[call.inputs[0]] == offsets[call.outputs[0]])
        layer: dict[str, Any] = {"index": call.op_index, "kind": call.kind}
        if is_alias:
            layer["statement"] = "/* view: the output shares the input's bytes */"
            layers.append(layer)
            continue
        for arr in call.consts:
            consts.append({"symbol": f"{base}_{arr.name}", "ctype": arr.ctype, "count": len(arr.values),
                           "body": _c_values(arr.values, arr.ctype)})
        fields = []
        for name, value in call.params:
            if isinstance(value, TensorRef):
                expr = weight(value.tensor_id)
            elif isinstance(value, ConstRef):
                expr = f"{base}_{value.name}"
            elif isinstance(value, ScratchRef):
                expr = _arena_ptr(prefix, "int8_t", plan.scratch_offsets[call.op_index], const=False)
            elif isinstance(value, NullRef):
                expr = "NULL"
            elif isinstance(value, FunctionRef):
                expr = value.name
            elif isinstance(value, tuple):
                expr = "{ " + ", ".join(str(int(v)) for v in value) + " }"
            else:
                expr = str(int(value))
            fields.append({"name": name, "value": expr})
        args = [f"&{base}_params"]
        args += [tensor_arg(t, const=True) for t in call.inputs]
        args += [tensor_arg(t, const=False) for t in call.state]
        args += [tensor_arg(t, const=False) for t in call.outputs]
        layer["statement"] = (f"if ({call.function}({', '.join(args)}) != MG_OK) "
                              f"{{ return {call.op_index + 1}; }}")
        layers.append(layer)
        params.append({"type": call.params_type, "symbol": f"{base}_params", "fields": fields})
        kernels.add(call.source)
        headers.add(call.header)

    io = {"inputs": [_io_info(graph, tid) | {"offset": offsets[tid]} for tid in graph.inputs],
          "outputs": [_io_info(graph, tid) | {"offset": offsets[tid]} for tid in graph.outputs]}
    weight_list = [weights[k] for k in sorted(weights)]
    weight_bytes = (sum(graph.tensor(t).nbytes for t in weights)
                    + sum(_ctype_size(c["ctype"]) * c["count"] for c in consts))
    ctx = {
        "banner": _banner(graph, prefix, planner or _plan_name(plan)),
        "prefix": prefix, "PREFIX": prefix.upper(), "guard": f"{prefix.upper()}_H",
        "arena_bytes": max(int(plan.size), 1), "arena_align": ARENA_ALIGN, "weight_align": WEIGHT_ALIGN,
        "sha256": graph.sha256, "layers": layers, "num_layers": len(layers), "params": params,
        "headers": sorted(headers), "weights": weight_list, "consts": consts, **io,
        "state_bytes": int(plan.state_size), "state_resets": _state_resets(graph, plan),
    }
    env = _env()
    files = {name: env.get_template(f"{name}.j2").render(**ctx) for name in GENERATED}
    headers |= _local_includes(kernels | headers) - {"mg_types.h"}
    kernels |= _companions(headers)
    return Sources(files=files, kernels=tuple(sorted(kernels)), headers=("mg_types.h", *sorted(headers)),
                   prefix=prefix, arena_bytes=int(plan.size), weight_bytes=weight_bytes,
                   state_bytes=int(plan.state_size),
                   layer_names=tuple(c.kind for c in calls))


def host_driver(prefix: str = "model") -> str:
    """host_main.c for the library generated with `prefix`: a test driver that reads samples on
    stdin and writes outputs on stdout (mcugen.hostrun compiles it with the model)."""
    return _env().get_template("host_main.c.j2").render(prefix=prefix, PREFIX=prefix.upper())


def _local_includes(names: set[str]) -> set[str]:
    """Headers of firmware/include that the given kernel sources and headers include (quoted
    includes, transitively), e.g. the DSP kernels' shared mg_dsp.h."""
    fw, found, todo = firmware_dir(), set(), list(names)
    while todo:
        name = todo.pop()
        path = fw / ("kernels" if name.endswith(".c") else "include") / name
        if not path.is_file():
            continue
        for inc in re.findall(r'^#include "([^"]+)"', path.read_text(), re.M):
            if inc not in found and (fw / "include" / inc).is_file():
                found.add(inc)
                todo.append(inc)
    return found


def _companions(headers: set[str]) -> set[str]:
    """Sources of firmware/kernels that go with a shared helper header (`mg_mm_dsp.h` ->
    `mg_mm_dsp.c`): code several kernels call, compiled once (the linker keeps only the
    functions called). A kernel's own header (`fully_connected_s8.h`) brings no source."""
    kernels = firmware_dir() / "kernels"
    return {f"{h[:-2]}.c" for h in headers if h.startswith("mg_") and (kernels / f"{h[:-2]}.c").is_file()}


def _state_resets(graph: Graph, plan: ArenaPlan) -> list[dict[str, int]]:
    """What `<prefix>_reset_state()` fills each state tensor with, as tflite-micro resets
    variable tensors: every byte the zero point for int8 state, zero for any other type."""
    resets = []
    for tid in graph.state_ids:
        t = graph.tensor(tid)
        byte = (t.quant.zero_point & 0xFF) if t.dtype == "INT8" and t.quant else 0
        resets.append({"tensor": tid, "offset": plan.state_offsets[tid], "bytes": t.nbytes, "byte": byte})
    return resets


def _ctype_size(ctype: str) -> int:
    return {"int8_t": 1, "uint8_t": 1, "int16_t": 2, "uint16_t": 2, "int32_t": 4, "float": 4, "int64_t": 8,
            "uint32_t": 4}[ctype]


def _io_info(graph: Graph, tid: int) -> dict[str, Any]:
    t = graph.tensor(tid)
    dims = list(t.shape) + [0] * (6 - len(t.shape))
    scale = t.quant.scale if t.quant else 0.0
    zp = t.quant.zero_point if t.quant else 0
    return {"name": _c_string(t.name), "rank": len(t.shape), "dims": ", ".join(str(d) for d in dims[:6]),
            "bytes": t.nbytes, "scale": _c_float(scale), "zero_point": zp, "ctype": CTYPES[t.dtype]}


def _plan_name(plan: ArenaPlan) -> str:
    return f"{plan.algorithm}, {'in-place' if plan.inplace else 'no in-place'}"


def _banner(graph: Graph, prefix: str, planner: str) -> str:
    return (f"Generated by mcugen {__version__}; do not edit.\n"
            f" * model sha256: {graph.sha256}\n"
            f" * symbol prefix: {prefix}; arena planner: {planner}")


_ENV: jinja2.Environment | None = None


def _env() -> jinja2.Environment:
    global _ENV
    if _ENV is None:
        _ENV = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(Path(__file__).resolve().parent.parent / "templates")),
            undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
            keep_trailing_newline=True, autoescape=False)
    return _ENV
