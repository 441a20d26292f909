"""Render a complete PlatformIO project for one model and one board, atomically.

Layout (every board):
    platformio.ini        env <board> (bench firmware), env <board>_selftest (self-test)
    mcugen.json           what was built: board, model, arena, envs (read by `mcugen bench`)
    include/              model.h, kernel headers, mg_board.h, mg_board_config.h, ...
    src/                  model.c, model_weights.c, kernels, board/ (glue), app_bench/, app_selftest/
    ld/                   linker scripts (emulated boards)
    CMakeLists.txt, src/CMakeLists.txt, sdkconfig.defaults   (ESP-IDF boards)
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import jinja2
import numpy as np

from mcugen import __version__
from mcugen.boards import Board
from mcugen.build.pio_offline import PLATFORM_DIR
from mcugen.codegen import firmware_dir
from mcugen.fsutil import atomic_output_dir
from mcugen.ir import DTYPES, Graph

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
SELFTEST_SAMPLES = 3


@dataclass(frozen=True)
class SelftestData:
    samples: int
    inputs: bytes  # sample-major, each sample's inputs in order
    expected: bytes  # tflite-micro's outputs for them, same order
    origin: str


@dataclass(frozen=True)
class Project:
    path: Path
    board: Board
    prefix: str
    bench_env: str
    selftest_env: str

    def elf(self, env: str) -> Path:
        return self.path / ".pio" / "build" / env / "firmware.elf"


def random_inputs(graph: Graph, samples: int, seed: int = 0) -> list[list[np.ndarray]]:
    """Seeded inputs covering each input's whole quantized range."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(samples):
        sample = []
        for tid in graph.inputs:
            t = graph.tensor(tid)
            dtype = np.dtype(DTYPES[t.dtype][0])
            if dtype.kind == "f":
                q = rng.integers(-128, 128, t.shape)
                scale, zp = (t.quant.scale, t.quant.zero_point) if t.quant else (1 / 64, 0)
                sample.append(((q - zp) * scale).astype(dtype))
            else:
                info = np.iinfo(dtype)
                sample.append(rng.integers(info.min, int(info.max) + 1, t.shape, dtype=dtype))
        out.append(sample)
    return out


def selftest_data(tflite: bytes, graph: Graph, samples: Sequence[Sequence[np.ndarray]] | None = None,
                  origin: str = "seeded random inputs") -> SelftestData:
    """Inputs and tflite-micro's outputs for them: what the self-test firmware must reproduce."""
    from mcugen.oracle import TflmOracle

    samples = list(samples) if samples is not None else random_inputs(graph, SELFTEST_SAMPLES)
    oracle = TflmOracle(tflite)
    ins, outs = bytearray(), bytearray()
    for sample in samples:
        arrays = [np.ascontiguousarray(x) for x in sample]
        ins += b"".join(a.tobytes() for a in arrays)
        outs += b"".join(np.ascontiguousarray(y).tobytes() for y in oracle.run(arrays))
    return SelftestData(len(samples), bytes(ins), bytes(outs), origin)


def _c_bytes(data: bytes, per_line: int = 20) -> str:
    rows = [", ".join(str(b) for b in data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return ",\n    ".join(rows) if rows else "0"


_ENV: jinja2.Environment | None = None


def _templates() -> jinja2.Environment:
    global _ENV
    if _ENV is None:
        _ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
                                  undefined=jinja2.StrictUndefined, trim_blocks=True,
                                  lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)
    return _ENV


def build_flags(board: Board, prefix: str) -> list[str]:
    """Flags shared by both environments; the CPU flags come from the platform's board."""
    if board.emulated:
        flags = ["-std=c99", "-O2", "-Wall", "-Wextra", "-Werror",
                 f"-Wl,--defsym=__mg_stack_bytes={board.stack_bytes}"]
    else:  # vendor framework headers are not ours to hold to -Werror
        flags = ["-O2", "-Wall", "-Wextra"]
    if prefix != "model":
        flags += [f"-DMG_MODEL_PREFIX={prefix}", f"-DMG_MODEL_PREFIX_UPPER={prefix.upper()}"]
    return flags


def _env_lines(board: Board) -> list[str]:
    if board.emulated:
        return [f"board_build.ldscript = ld/{Path(board.ldscript).name}"]
    lines = [f"framework = {board.pio_framework}", f"monitor_speed = {board.baud}"]
    return lines


def _platform(board: Board) -> str:
    if board.emulated:
        return f"symlink://{PLATFORM_DIR}"
    return board.pio_platform


def _copy_glue(board: Board, src: Path, include: Path, ld: Path) -> None:
    boards = firmware_dir() / "boards"
    for folder in board.glue:
        for f in sorted((boards / folder).iterdir()):
            if f.suffix in (".c", ".S"):
                shutil.copyfile(f, src / "board" / f.name)
            elif f.suffix == ".h":
                shutil.copyfile(f, include / f.name)
            elif f.suffix == ".ld":
                shutil.copyfile(f, ld / f.name)
    shutil.copyfile(boards / "include" / "mg_board.h", include / "mg_board.h")


def _copy_apps(src: Path, include: Path) -> None:
    fw = firmware_dir()
    shutil.copyfile(fw / "app" / "bench_main.c", src / "app_bench" / "bench_main.c")
    for f in sorted((fw / "bench").iterdir()):
        if f.suffix == ".c":
            shutil.copyfile(f, src / "app_bench" / f.name)
        elif f.suffix == ".h":
            shutil.copyfile(f, include / f.name)
    shutil.copyfile(fw / "app" / "selftest_main.c", src / "app_selftest" / "selftest_main.c")


def render_project(out_dir: str | Path, sources: Any, board: Board, selftest: SelftestData,
                   graph: Graph, command_line: str = "") -> Project:
    """Write the whole project to `out_dir` (replaced only once complete). `sources` is codegen's
    `Sources`; nothing here computes model numbers, it only places files."""
    prefix = sources.prefix
    bench_env, selftest_env = board.name, f"{board.name}_selftest"
    banner = (f"Generated by mcugen {__version__} for board {board.name}; model sha256 "
              f"{graph.sha256[:16]}. Regenerate rather than edit.")
    ctx = {
        "banner": banner, "board": board, "bench_env": bench_env, "selftest_env": selftest_env,
        "platform": _platform(board), "env_lines": _env_lines(board),
        "common_flags": build_flags(board, prefix),
        "selftest_hint": ("-t upload   runs the self-test under QEMU" if board.emulated
                          else "-t upload -t monitor   flashes the self-test, prints PASS/FAIL"),
        "notes": ([f"Local platform shipped by mcugen (system {board.toolchain_prefix}gcc, QEMU "
                   f"{board.qemu_machine}); build with mcugen's offline core: `mcugen build` does."]
                  if board.emulated else
                  [f"Needs PlatformIO's {board.pio_platform} platform (downloaded on the first build)."]),
        "counts_instructions": int(board.counts_instructions), "emulated": int(board.emulated),
        "samples": selftest.samples, "origin": selftest.origin,
        "input_bytes": max(len(selftest.inputs), 1), "output_bytes": max(len(selftest.expected), 1),
        "inputs": _c_bytes(selftest.inputs), "expected": _c_bytes(selftest.expected),
        "project_name": f"mcugen_{prefix}_{board.name}",
        "cmake_defines": " ".join(f'"{flag[2:]}"' for flag in build_flags(board, prefix)
                                  if flag.startswith("-D")),
    }
    env = _templates()
    with atomic_output_dir(out_dir) as tmp:
        src, include, ld = tmp / "src", tmp / "include", tmp / "ld"
        for d in (src / "board", src / "app_bench", src / "app_selftest", include):
            d.mkdir(parents=True)
        for path in sources.write(src):
            if path.suffix == ".h":
                path.replace(include / path.name)
        if board.emulated:
            ld.mkdir()
        _copy_glue(board, src, include, ld)
        _copy_apps(src, include)
        rendered = {"platformio.ini": "platformio.ini.j2",
                    "include/mg_board_config.h": "mg_board_config.h.j2",
                    "include/mg_selftest.h": "mg_selftest.h.j2",
                    "src/app_selftest/mg_selftest_data.c": "mg_selftest_data.c.j2"}
        if board.pio_framework == "espidf":
            rendered.update({"CMakeLists.txt": "CMakeLists.txt.j2",
                             "src/CMakeLists.txt": "src_CMakeLists.txt.j2",
                             "sdkconfig.defaults": "sdkconfig.defaults.j2"})
        for rel, template in rendered.items():
            (tmp / rel).write_text(env.get_template(template).render(**ctx))
        manifest = {
            "mcugen_version": __version__, "command": command_line, "board": board.name,
            "model_sha256": graph.sha256, "prefix": prefix, "arena_bytes": sources.arena_bytes,
            "weight_bytes": sources.weight_bytes, "layers": list(sources.layer_names),
            "envs": {"bench": bench_env, "selftest": selftest_env},
            "selftest_samples": selftest.samples,
        }
        (tmp / "mcugen.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return Project(Path(out_dir).resolve(), board, prefix, bench_env, selftest_env)
