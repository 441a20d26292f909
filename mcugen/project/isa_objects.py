"""A real board's sources compiled for its instruction set here, and the objects' section sizes.

Real boards cannot be built here (their vendor platforms need PlatformIO's registry), but the
board-independent sources (model, kernels, bench and self-test apps; not the vendor glue) can be
compiled for the board's ISA, warnings as errors, and their objects measured:

- the ESP32 and ESP32-S3: no ESP32 GCC (xtensa-esp32-elf) exists on Debian, but clang-22/llc-22
  carry an Xtensa back end with the ESP32's windowed-ABI LX6 (`-mcpu=esp32`; the S3's LX7 runs the
  same base ISA, without its SIMD). The clang driver rejects -mcpu=esp32, so each file goes through
  `clang --target=xtensa -S -emit-llvm` and then `llc -march=xtensa -mcpu=esp32 -filetype=obj`
  (-function-sections: LLVM 22 misplaces a literal pool shared by several functions);
- boards with a GCC for their ISA (`[toolchain] check_prefix`): that GCC and its `size`.

The sizes (text, rodata, data, bss) replace the estimate of mcugen's own share in the fit check;
the vendor framework (ESP-IDF, Arduino) stays the board file's estimate (`[firmware]
framework_flash_bytes`, `framework_ram_bytes`).
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from mcugen import procs
from mcugen.boards import Board
from mcugen.errors import ToolchainError

LLVM_VERSION = 22
LLVM_INSTALL_HINT = (f"apt-get install clang-{LLVM_VERSION} llvm-{LLVM_VERSION} "
                     "picolibc-xtensa-lx106-elf (./dev setup does)")
# C library headers for a bare-metal Xtensa (string.h): picolibc's, packaged for the LX106; the
# model and kernels only take memcpy/memset declarations from it.
XTENSA_LIBC_INCLUDE = Path("/usr/lib/xtensa-lx106-elf/include")
WARNINGS = ("-Wall", "-Wextra", "-Werror")


@dataclass(frozen=True)
class SectionSizes:
    text: int = 0  # code and literal pools
    rodata: int = 0  # weights, tables, per-layer constants
    data: int = 0  # initialised writable data (flash and RAM)
    bss: int = 0  # zeroed RAM: the arena, the bench's buffers

    def __add__(self, other: "SectionSizes") -> "SectionSizes":
        return SectionSizes(self.text + other.text, self.rodata + other.rodata,
                            self.data + other.data, self.bss + other.bss)

    def __sub__(self, other: "SectionSizes") -> "SectionSizes":
        return SectionSizes(self.text - other.text, self.rodata - other.rodata,
                            self.data - other.data, self.bss - other.bss)

    @property
    def flash(self) -> int:
        return self.text + self.rodata + self.data

    @property
    def ram(self) -> int:
        return self.data + self.bss


@dataclass(frozen=True)
class ObjectReport:
    """What the ISA check compiled and measured, by part of the firmware."""

    isa: str  # "Xtensa (ESP32)"
    compiler: str  # how: "clang-22 + llc-22 -mcpu=esp32"
    parts: dict[str, SectionSizes] = field(default_factory=dict)  # "model + kernels", ...
    envs: dict[str, SectionSizes] = field(default_factory=dict)  # env -> its objects in all

    @property
    def largest(self) -> SectionSizes:
        """The env that needs the most flash (ties: RAM)."""
        return max(self.envs.values(), key=lambda s: (s.flash, s.ram))


def isa_name(board: Board) -> str:
    return board.check_isa or board.core


def llvm_tools() -> tuple[str, str, str]:
    return (f"clang-{LLVM_VERSION}", f"llc-{LLVM_VERSION}", f"llvm-size-{LLVM_VERSION}")


def missing_llvm() -> list[str]:
    """What the LLVM check needs and this machine lacks (tools, the C library headers)."""
    missing = [tool for tool in llvm_tools() if shutil.which(tool) is None]
    if not XTENSA_LIBC_INCLUDE.is_dir():
        missing.append(str(XTENSA_LIBC_INCLUDE))
    return missing


def _run(cmd: list[str], src: Path) -> None:
    proc = procs.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0 or proc.stderr.strip():
        first = (proc.stderr.strip().splitlines() or ["(no message)"])[0].replace(f"{src.parent}/", "")
        raise ToolchainError(f"{Path(cmd[0]).name} rejects {src.name}: {first}",
                             hint=" ".join(cmd))


def compile_llvm(src: Path, obj: Path, cpu: str, flags: list[str]) -> None:
    """`src` -> `obj` for the Xtensa core `cpu` (llc's -mcpu), warnings as errors. `flags`:
    includes, defines, optimisation."""
    clang, llc, _ = llvm_tools()
    ir = obj.with_suffix(".ll")
    _run([clang, "--target=xtensa", "-std=c99", *WARNINGS, "-nostdlibinc",
          "-isystem", str(XTENSA_LIBC_INCLUDE), *flags, "-S", "-emit-llvm", str(src), "-o", str(ir)], src)
    opt = next((f for f in reversed(flags) if f.startswith("-O")), "-O2")
    _run([llc, "-march=xtensa", f"-mcpu={cpu}", "-O2" if opt == "-Os" else opt, "-function-sections",
          "-data-sections", "-filetype=obj", str(ir), "-o", str(obj)], src)


@dataclass(frozen=True)
class IsaCompiler:
    """The best compiler here for a board's ISA, and the size tool for its objects ("" when the
    compiler targets another ISA: the host gcc standing in for a missing one)."""

    board: Board
    name: str  # "clang-22 + llc-22 -mcpu=esp32", "xtensa-lx106-elf-gcc", "gcc"
    size_tool: str
    note: str = ""  # why a fallback is used, with how to get the right compiler

    @property
    def llvm(self) -> bool:
        return self.name.startswith("clang")

    def compile(self, src: Path, obj: Path, flags: list[str]) -> None:
        if self.llvm:
            compile_llvm(src, obj, self.board.check_llvm_cpu, flags)
            return
        _run([self.name, *self.board.check_cflags, "-std=c99", *WARNINGS, *flags,
              "-c", str(src), "-o", str(obj)], src)

    def sizes(self, obj: Path) -> SectionSizes:
        return object_sizes(obj, self.size_tool) if self.size_tool else SectionSizes()


def isa_compiler(board: Board) -> IsaCompiler | None:
    """LLVM for boards that name an llc cpu (when installed), else the board's check GCC (the
    host's gcc when check_prefix is empty); None when even that is missing."""
    note = ""
    if board.check_llvm_cpu:
        missing = missing_llvm()
        clang, llc, size_tool = llvm_tools()
        if not missing:
            return IsaCompiler(board, f"{clang} + {llc} -mcpu={board.check_llvm_cpu}", size_tool)
        note = f"{', '.join(missing)} not found (for {isa_name(board)}: {LLVM_INSTALL_HINT}); "
    cc = f"{board.check_prefix}gcc" if board.check_prefix else "gcc"
    if shutil.which(cc) is None:
        return None
    # the host gcc (empty prefix) or a stand-in for missing LLVM compiles another ISA: no sizes
    size_tool = f"{board.check_prefix}size" if board.check_prefix and not note else ""
    return IsaCompiler(board, cc, size_tool, note)


def object_sizes(obj: Path, size_tool: str) -> SectionSizes:
    """Section sizes of a relocatable object by `<size> -A`, by kind of section."""
    try:
        out = procs.run([size_tool, "-A", "-d", str(obj)], capture_output=True, text=True,
                        check=True).stdout
    except (OSError, procs.CalledProcessError) as exc:
        raise ToolchainError(f"could not read the section sizes of {obj} with {size_tool}: {exc}") from exc
    sizes = {"text": 0, "rodata": 0, "data": 0, "bss": 0}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) != 3 or not parts[1].isdigit():
            continue
        name, size = parts[0], int(parts[1])
        if name.startswith((".text", ".literal")):
            sizes["text"] += size
        elif name.startswith((".rodata", ".srodata", ".irom")):  # .irom: the ESP8266's constants in flash
            sizes["rodata"] += size
        elif name.startswith((".data", ".sdata")):
            sizes["data"] += size
        elif name.startswith((".bss", ".sbss")):
            sizes["bss"] += size
    return SectionSizes(**sizes)


@dataclass(frozen=True)
class IsaCheck:
    summary: str  # one line for the build's compile stage
    report: ObjectReport | None = None  # None: not measured (no compiler for the ISA here)


def _measures(board: Board, compiler: IsaCompiler) -> bool:
    """Sizes are reported for boards whose fit they decide: the framework's share is declared."""
    return bool(compiler.size_tool) and (compiler.llvm or board.framework_flash_bytes > 0)


def check_project(project_dir: Path, board: Board, defines: list[str]) -> IsaCheck:
    """Compile the project's portable sources (src/*.c, src/app_bench, src/app_selftest) for
    `board`'s ISA with the best compiler here, and measure each env's objects when the compiler
    targets that ISA. Raises ToolchainError on the first warning or error."""
    src = project_dir / "src"
    common = sorted(src.glob("*.c"))
    apps = {board.name: sorted((src / "app_bench").glob("*.c")),
            f"{board.name}_selftest": sorted((src / "app_selftest").glob("*.c"))}
    count = len(common) + sum(len(files) for files in apps.values())
    compiler = isa_compiler(board)
    if compiler is None:
        cc = f"{board.check_prefix}gcc" if board.check_prefix else "gcc"
        return IsaCheck(f"{cc} not found: portable sources not checked")
    flags = ["-O2", f"-I{project_dir / 'include'}", *defines]
    objdir = project_dir / ".pio" / "isa-check"
    objdir.mkdir(parents=True, exist_ok=True)
    sizes: dict[Path, SectionSizes] = {}
    for path in [*common, *(f for files in apps.values() for f in files)]:
        obj = objdir / f"{path.parent.name}_{path.stem}.o"
        compiler.compile(path, obj, flags)
        sizes[path] = compiler.sizes(obj)
    summary = f"{compiler.note}the {count} portable sources compile warning-free with {compiler.name}"
    if not _measures(board, compiler):
        return IsaCheck(summary)
    # the bench env compiles model.c with its per-layer timing hooks
    model, timed = src / "model.c", objdir / "model_bench_hooks.o"
    compiler.compile(model, timed, [*flags, '-DMG_HOOKS_HEADER="mg_bench_hooks.h"'])
    base = sum((sizes[p] for p in common), SectionSizes())
    envs = {env: base + sum((sizes[p] for p in files), SectionSizes()) for env, files in apps.items()}
    envs[board.name] = envs[board.name] - sizes[model] + compiler.sizes(timed)
    parts = {"model + kernels": base,
             "bench app (+ per-layer timing)": envs[board.name] - base,
             "self-test app + samples": envs[f"{board.name}_selftest"] - base}
    return IsaCheck(summary, ObjectReport(isa_name(board), compiler.name, parts, envs))


def check_library(sources: list[Path], board: Board, flags: list[str], objdir: Path) -> IsaCheck:
    """A generated library alone (a MicroPython natmod's C, without its MicroPython bindings):
    compiled for `board`'s ISA with `flags` (the natmod's), measured as one part."""
    compiler = isa_compiler(board)
    if compiler is None:
        return IsaCheck(f"no compiler for {isa_name(board)} here: not checked")
    total = SectionSizes()
    for path in sources:
        obj = objdir / f"{path.stem}.o"
        compiler.compile(path, obj, flags)
        total += compiler.sizes(obj)
    summary = f"{compiler.note}the {len(sources)} library sources compile warning-free with {compiler.name}"
    if not _measures(board, compiler):
        return IsaCheck(summary)
    return IsaCheck(summary, ObjectReport(isa_name(board), compiler.name, {"model + kernels": total},
                                          {"natmod": total}))
