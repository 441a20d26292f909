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
from mcugen.arena.regions import RegionArea
from mcugen.arena.weights import WeightsInRam
from mcugen.errors import McugenError
from mcugen.ir import Graph
from mcugen.ops.base import ConstRef, FunctionRef, KernelCall, NullRef, ScratchRef, TensorRef

CTYPES = {"INT8": "int8_t", "INT16": "int16_t", "INT32": "int32_t", "UINT8": "uint8_t",
          "FLOAT32": "float", "BOOL": "uint8_t", "INT64": "int64_t", "UINT32": "uint32_t",
          "INT4": "uint8_t"}  # INT4: packed bytes, two values each
ARENA_ALIGN = 16
WEIGHT_ALIGN = 16
GENERATED = ("model.h", "model.c", "model_weights.c")  # a model's files on its own (and templates)
SHARED_HEADER = "mg_models.h"  # the shared arena of a multi-model library (mcugen.codegen.models)


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
    arenas: tuple[str, ...] = ()  # the arena symbols, one per RAM region used
    models: tuple["Sources", ...] = ()  # a multi-model library: each model's own (mcugen.codegen.models)
    sections: tuple[str, ...] = ()  # linker sections of arenas or state outside the main RAM
    weights_ram_bytes: int = 0  # RAM for the weights copied there (--weights-in-ram)

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
        return [out_dir / f for f in self.files if f.endswith(".c")] + [out_dir / k for k in self.kernels]

    @property
    def each_model(self) -> tuple["Sources", ...]:
        """Every model's own sources: this one alone, or a multi-model library's models."""
        return self.models or (self,)


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


@dataclass(frozen=True)
class ArenaBinding:
    """Where a model's arena bytes are in C: the arrays `<owner>_arena` (the main RAM's, or the one
    arena) and `<owner>_arena_<region>` (another RAM region's), the model's part of each starting
    at `bases[region name]` ("" for the one arena). A model on its own owns its arrays (owner =
    its prefix, defined in its .c); the models of one library share mg_models' arrays, `shared`,
    defined once in mg_models.c (mcugen.codegen.models)."""

    owner: str
    bases: Mapping[str, int] = field(default_factory=dict)
    shared: bool = False

    def symbol(self, area: RegionArea | None) -> str:
        return f"{self.owner}_arena" if area is None or not area.section else f"{self.owner}_arena_{area.name}"

    def pointer(self, plan: ArenaPlan, ctype: str, offset: int, const: bool) -> str:
        """A pointer to byte `offset` of the plan's (virtual) arena, in the array that holds it."""
        qual = "const " if const else ""
        area = plan.area_of(offset)
        local = offset - area.start if area is not None else offset
        base = self.bases.get(area.name if area is not None else "", 0)
        return f"({qual}{ctype} *)({self.symbol(area)} + {base + local})"


def arena_arrays(owner: str, regions: tuple[RegionArea, ...], size: int) -> list[dict[str, Any]]:
    """The arena arrays of `owner`: the main one always (at least 1 byte, as C needs), one per
    other region used, in that region's linker section. `regions` () means one arena of `size`."""
    main = [a for a in regions if not a.section]
    binding = ArenaBinding(owner)
    # the main RAM's arena takes the build's MG_ARENA_ATTR (ESP-IDF: internal RAM, mg_types.h)
    arenas = [{"symbol": f"{owner}_arena", "macro": f"{owner.upper()}_ARENA_BYTES", "attributes": "",
               "placement": "MG_ARENA_ATTR ",
               "bytes": max(main[0].size if main else (0 if regions else int(size)), 1),
               "what": f"RAM region {main[0].name}" if main else "one buffer"}]
    for area in regions:
        if area.section:
            arenas.append({"symbol": binding.symbol(area),
                           "macro": f"{owner.upper()}_ARENA_{area.name.upper()}_BYTES",
                           "attributes": _section(area.section), "placement": "", "bytes": area.size,
                           "what": f"RAM region {area.name}, section {area.section}"})
    return arenas


def _section(section: str) -> str:
    return f' __attribute__((section("{section}")))' if section else ""


def generate_sources(graph: Graph, plan: ArenaPlan, calls: list[KernelCall], prefix: str = "model",
                     planner: str | None = None, binding: ArenaBinding | None = None,
                     stem: str = "model", weights_in_ram: WeightsInRam | None = None,
                     weights_section: str = "") -> Sources:
    """Render model.h/model.c/model_weights.c for `graph` lowered to `calls` and placed by `plan`
    (`mcugen.arena.plan_arena`'s: tensor id -> byte offset, op index -> scratch offset).

    `binding` says which arrays the arena pointers go into (default: the model's own, defined in
    its .c); `stem` names the files (`<stem>.h`, `<stem>.c`, `<stem>_weights.c`): a model of a
    multi-model library (mcugen.codegen.models) has its prefix as stem and shared arrays.
    `weights_in_ram`: the constants to read from a RAM copy (mcugen.arena.weights), kept in
    `<prefix>_wram` in section `weights_section` ("" = the main RAM)."""
    prefix = check_prefix(prefix)
    binding = binding or ArenaBinding(prefix)
    offsets = plan.tensor_offsets
    weights: dict[int, dict[str, Any]] = {}

    def weight(tid: int) -> str:
        t = graph.tensor(tid)
        if tid not in weights:
            weights[tid] = {"symbol": f"{prefix}_w{tid}", "ctype": CTYPES[t.dtype], "count": t.nbytes // t.itemsize,
                            "comment": t.name.replace("*/", "* /"),
                            "body": _c_values(_tensor_values(graph, tid), CTYPES[t.dtype])}
        return weights[tid]["symbol"]

    copies = weights_in_ram or WeightsInRam()
    ram_copies: dict[str, dict[str, Any]] = {}

    def in_ram(key: tuple, symbol: str, ctype: str) -> str:
        """`symbol`, or its RAM copy when --weights-in-ram chose it (arena.weights)."""
        offset = copies.offset_of(key)
        if offset is None:
            return symbol
        ram_copies.setdefault(symbol, {"source": symbol, "offset": offset, "bytes": next(
            c.nbytes for c in copies.copies if c.key == key)})
        return f"(const {ctype} *)({prefix}_wram + {offset})"

    def tensor_arg(tid: int, const: bool) -> str:
        t = graph.tensor(tid)
        if t.is_constant:
            return in_ram(("tensor", tid), weight(tid), CTYPES[t.dtype])
        if t.variable:
            return f"({CTYPES[t.dtype]} *)({prefix}_state + {plan.state_offsets[tid]})"
        return binding.pointer(plan, CTYPES[t.dtype], offsets[tid], const)

    consts, layers, params, kernels, headers = [], [], [], set(), set()
    shared_consts: dict[tuple, str] = {}  # (ctype, values) -> the symbol emitted for them
    for call in calls:
        base = f"{prefix}_l{call.op_index}"
        is_alias = (call.view and not graph.tensor(call.inputs[0]).is_constant
                    and offsets[call.inputs[0]] == offsets[call.outputs[0]])
        layer: dict[str, Any] = {"index": call.op_index, "kind": call.kind}
        if is_alias:
            layer["statement"] = "/* view: the output shares the input's bytes */"
            layers.append(layer)
            continue
        const_symbols = {}
        for arr in call.consts:
            # identical arrays are emitted once: an unrolled recurrent layer's steps, or layers
            # sharing weights, re-lay the same weights into the same constants
            key = (arr.ctype, arr.values)
            if key not in shared_consts:
                shared_consts[key] = f"{base}_{arr.name}"
                consts.append({"symbol": shared_consts[key], "ctype": arr.ctype, "count": len(arr.values),
                               "body": _c_values(arr.values, arr.ctype)})
            const_symbols[arr.name] = in_ram(("const", arr.ctype, arr.values), shared_consts[key], arr.ctype)
        fields = []
        for name, value in call.params:
            if isinstance(value, TensorRef):
                t = graph.tensor(value.tensor_id)
                expr = in_ram(("tensor", value.tensor_id), weight(value.tensor_id), CTYPES[t.dtype])
            elif isinstance(value, ConstRef):
                expr = const_symbols[value.name]
            elif isinstance(value, ScratchRef):
                expr = binding.pointer(plan, "int8_t", plan.scratch_offsets[call.op_index], const=False)
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

    io = {"inputs": [_io_info(graph, tid) | {"pointer": binding.pointer(plan, "int8_t", offsets[tid], False)}
                     for tid in graph.inputs],
          "outputs": [_io_info(graph, tid) | {"pointer": binding.pointer(plan, "int8_t", offsets[tid], False)}
                      for tid in graph.outputs]}
    arenas = arena_arrays(prefix, plan.regions, int(plan.size))  # the model's own needs
    state_area = next((a for a in plan.regions if a.name == plan.state_region), None)
    weight_list = [weights[k] for k in sorted(weights)]
    weight_bytes = (sum(graph.tensor(t).nbytes for t in weights)
                    + sum(_ctype_size(c["ctype"]) * c["count"] for c in consts))
    names = generated_names(stem)
    ctx = {
        "banner": _banner(graph, prefix, planner or _plan_name(plan))
        + (f"\n * arena: shared with the other models of this library ({SHARED_HEADER})" if binding.shared else ""),
        "prefix": prefix, "PREFIX": prefix.upper(), "guard": f"{prefix.upper()}_H",
        "header_file": names[0], "shared_header": SHARED_HEADER if binding.shared else "",
        "arena_bytes": arenas[0]["bytes"], "arenas": arenas, "arena_total_bytes": int(plan.size),
        "state_attributes": _section(state_area.section if state_area else ""),
        "state_placement": "" if state_area is not None and state_area.section else "MG_ARENA_ATTR ",
        "wram_bytes": copies.size if ram_copies else 0,
        "wram_copies": sorted(ram_copies.values(), key=lambda c: c["offset"]),
        "wram_placement": "" if weights_section else "MG_ARENA_ATTR ", "wram_attributes": _section(weights_section),
        "arena_align": max(ARENA_ALIGN, int(plan.align)), "weight_align": WEIGHT_ALIGN,
        "sha256": graph.sha256, "layers": layers, "num_layers": len(layers), "params": params,
        "headers": sorted(headers), "weights": weight_list, "consts": consts, **io,
        "state_bytes": int(plan.state_size), "state_resets": _state_resets(graph, plan),
    }
    env = _env()
    files = {name: env.get_template(f"{template}.j2").render(**ctx) for name, template in zip(names, GENERATED)}
    headers |= _local_includes(kernels | headers) - {"mg_types.h"}
    used = [binding.symbol(None), *(binding.symbol(a) for a in plan.regions if a.section)]
    kernels |= _companions(headers)
    return Sources(files=files, kernels=tuple(sorted(kernels)), headers=("mg_types.h", *sorted(headers)),
                   prefix=prefix, arena_bytes=int(plan.size), weight_bytes=weight_bytes,
                   state_bytes=int(plan.state_size),
                   layer_names=tuple(c.kind for c in calls), arenas=tuple(dict.fromkeys(used)),
                   weights_ram_bytes=copies.size if ram_copies else 0,
                   sections=tuple(sorted({a.section for a in plan.regions if a.section}
                                         | ({state_area.section} if state_area and state_area.section else set()))))


def generated_names(stem: str = "model") -> tuple[str, str, str]:
    """The files of one model: `<stem>.h`, `<stem>.c`, `<stem>_weights.c` (model.h, ... alone)."""
    return (f"{stem}.h", f"{stem}.c", f"{stem}_weights.c")


def host_driver(prefix: str = "model", arenas: tuple[str, ...] | None = None) -> str:
    """host_main.c for the library generated with `prefix`: a test driver that reads samples on
    stdin and writes outputs on stdout (mcugen.hostrun compiles it with the model); it poisons
    `arenas` (Sources.arenas) between samples."""
    return _env().get_template("host_main.c.j2").render(prefix=prefix, PREFIX=prefix.upper(),
                                                        arenas=arenas or (f"{prefix}_arena",))


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
