"""Boards: what `boards/<name>.toml` says about a target, as a frozen `Board`.

The toml files are data only (see any of them for the fields). Everything that depends on a board
(compiler flags, memory limits, QEMU machine, PlatformIO environment) is read from here, so adding a
board is adding a file: in boards/, or in a folder listed in MCUGEN_BOARD_PATH (searched first,
separated like PATH), for boards of your own.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from mcugen.errors import BoardError

def _boards_dir() -> Path:
    """Packaged as mcugen/board_files (wheels), or the repository's boards/ (checkouts)."""
    here = Path(__file__).resolve().parents[1]
    packaged = here / "board_files"
    return packaged if packaged.is_dir() else here.parent / "boards"


BOARDS_DIR = _boards_dir()
DEFAULT_BOARD = "mps2_an386"


@dataclass(frozen=True)
class MemoryRegion:
    """One RAM region of a board's memory map (`[[memory.regions]]`), where mcugen may put
    activation, scratch and state buffers. The main region holds the firmware's data, bss and
    stack too (`section` ""); the others get their own linker output section."""

    name: str  # a C identifier fragment: `<prefix>_arena_<name>`
    size: int  # bytes of the region
    speed: int  # 1 = fastest; the planner puts the most-accessed bytes in the fastest regions
    section: str = ""  # linker output section for its buffers; "" = the main RAM's .bss
    origin: int | None = None  # address, where mcugen writes the linker script (emulated boards)
    dma: bool = True  # whether the CPU's DMA and caches can use it
    description: str = ""

    @property
    def is_main(self) -> bool:
        return self.section == ""


@dataclass(frozen=True)
class Board:
    name: str
    description: str
    mcu: str
    core: str
    emulated: bool
    clock_hz: int
    glue: tuple[str, ...]  # folders under firmware/boards/: start-up, UART, counter, exit
    kernel_variant: str
    arena_align: int
    flash_bytes: int
    ram_bytes: int
    stack_bytes: int
    arena_region: str
    toolchain_prefix: str  # e.g. "arm-none-eabi-"; what PlatformIO builds with
    cflags: tuple[str, ...]
    ldflags: tuple[str, ...]
    ldscript: str  # under firmware/boards/: emulated boards', and a real board's own where it has one
    check_prefix: str  # compiler available here that checks the portable sources ("" = host gcc)
    check_cflags: tuple[str, ...]
    pio_platform: str
    pio_board: str
    pio_framework: str
    uart: str
    baud: int
    counter: str  # "cycles" | "instructions"
    counter_hz: int
    counter_source: str
    defines: tuple[tuple[str, str], ...] = ()  # extra macros for the glue
    qemu_system: str = ""
    qemu_machine: str = ""
    qemu_cpu: str = ""  # -cpu, where the machine takes several cores (Xtensa sim: lx106)
    qemu_console: str = "serial"  # "serial": a UART; "semihosting": semihosting's stdin/stdout
    # the firmware's own share besides the model (start-up, glue, framework, bench, kernels)
    firmware_flash_bytes: int = 0
    firmware_ram_bytes: int = 0
    firmware_source: str = ""
    # RAM regions, fastest first; a board file without [[memory.regions]] has one, its RAM
    regions: tuple[MemoryRegion, ...] = ()
    # code memory, for the cycle estimate: wait states at clock_hz and what hides them
    flash_wait_states: int = 0
    flash_accelerator: str = "none"  # "ART" (ST: prefetch + instruction cache), "cache", "none"
    flash_source: str = ""
    # further `board_...` / `build_...` lines of the PlatformIO environment ([platformio.options])
    pio_options: tuple[tuple[str, str], ...] = ()
    # ESP-IDF boards ([espidf]): the flash chip ("4MB") and PSRAM ("", "quad", "octal")
    espidf_flash_size: str = ""
    espidf_psram: str = ""
    # the vendor framework's share alone (ESP-IDF, Arduino), where the rest is measured from the
    # objects compiled for the ISA (mcugen.project.isa_objects)
    framework_flash_bytes: int = 0
    framework_ram_bytes: int = 0
    pio_build_flags: tuple[str, ...] = ()  # added to the project's build_flags (ESP8266: -mforce-l32, ...)
    check_llvm_cpu: str = ""  # llc -mcpu= for the LLVM ISA check (esp32); "" = check with GCC
    check_isa: str = ""  # the ISA's name in reports, e.g. "Xtensa (ESP32)"

    @property
    def counts_instructions(self) -> bool:
        return self.counter == "instructions"

    @property
    def memory_regions(self) -> tuple[MemoryRegion, ...]:
        """The board's RAM regions, fastest first (the main RAM alone when the file lists none)."""
        if self.regions:
            return self.regions
        return (MemoryRegion("ram", self.ram_bytes, 1, "", None, True, self.arena_region),)

    def region_capacity(self, region: MemoryRegion) -> int:
        """Bytes of `region` mcugen's buffers may take: the main RAM less the stack reserve and the
        firmware's own static data; another region whole."""
        if region.is_main:
            return max(0, region.size - self.stack_bytes - self.firmware_ram_bytes)
        return region.size


def board_dirs() -> list[Path]:
    extra = [Path(p) for p in os.environ.get("MCUGEN_BOARD_PATH", "").split(os.pathsep) if p]
    return [*extra, BOARDS_DIR]


def _board_files() -> dict[str, Path]:
    files: dict[str, Path] = {}
    for folder in reversed(board_dirs()):  # earlier folders win
        files.update({p.stem: p for p in folder.glob("*.toml")})
    return files


def list_boards() -> list[Board]:
    """Every board with a toml file, emulated ones first, then by name."""
    boards = [load_board(name) for name in board_names()]
    return sorted(boards, key=lambda b: (not b.emulated, b.name))


def board_names() -> list[str]:
    return sorted(_board_files())


def load_board(name: str) -> Board:
    path = _board_files().get(name)
    if path is None or not path.is_file():
        raise BoardError(f"unknown board {name!r}",
                         hint="known boards: " + ", ".join(board_names()) + " (see `mcugen boards`)")
    try:
        data = tomllib.loads(path.read_text())
        return _from_toml(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise BoardError(f"{path}: malformed board file ({type(exc).__name__}: {exc})",
                         hint="compare it with boards/mps2_an386.toml") from exc


def _from_toml(d: dict) -> Board:
    mem, tc, pio, uart, counter = d["memory"], d["toolchain"], d["platformio"], d["uart"], d["counter"]
    qemu = d.get("qemu", {})
    firmware = d["firmware"]
    flash = d.get("flash", {})
    if counter["kind"] not in ("cycles", "instructions"):
        raise ValueError(f"counter.kind must be 'cycles' or 'instructions', not {counter['kind']!r}")
    if d["emulated"] and not qemu:
        raise ValueError("an emulated board needs a [qemu] table")
    if qemu.get("console", "serial") not in ("serial", "semihosting"):
        raise ValueError(f"qemu.console must be 'serial' or 'semihosting', not {qemu['console']!r}")
    return Board(
        name=d["name"], description=d["description"], mcu=d["mcu"], core=d["core"],
        emulated=bool(d["emulated"]), clock_hz=int(d["clock_hz"]), glue=tuple(d["glue"]),
        kernel_variant=d["kernel_variant"], arena_align=int(d["arena_align"]),
        flash_bytes=int(mem["flash_bytes"]), ram_bytes=int(mem["ram_bytes"]),
        stack_bytes=int(mem["stack_bytes"]), arena_region=mem["arena_region"],
        toolchain_prefix=tc["prefix"], cflags=tuple(tc["cflags"]), ldflags=tuple(tc.get("ldflags", ())),
        ldscript=tc.get("ldscript", ""),
        check_prefix=tc.get("check_prefix", tc["prefix"]),
        check_cflags=tuple(tc.get("check_cflags", tc["cflags"])),
        pio_platform=pio["platform"], pio_board=pio["board"], pio_framework=pio["framework"],
        pio_build_flags=tuple(pio.get("build_flags", ())),
        uart=uart["device"], baud=int(uart["baud"]),
        counter=counter["kind"], counter_hz=int(counter["hz"]), counter_source=counter["source"],
        defines=tuple((str(k), str(v)) for k, v in d.get("defines", {}).items()),
        qemu_system=qemu.get("system", ""), qemu_machine=qemu.get("machine", ""),
        qemu_cpu=qemu.get("cpu", ""), qemu_console=qemu.get("console", "serial"),
        firmware_flash_bytes=int(firmware["flash_bytes"]), firmware_ram_bytes=int(firmware["ram_bytes"]),
        firmware_source=str(firmware["source"]),
        regions=_regions(mem),
        flash_wait_states=int(flash.get("wait_states", 0)),
        flash_accelerator=str(flash.get("accelerator", "none")),
        flash_source=str(flash.get("source", "")),
        pio_options=tuple((str(k), str(v)) for k, v in pio.get("options", {}).items()),
        espidf_flash_size=str(d.get("espidf", {}).get("flash_size", "")),
        espidf_psram=str(d.get("espidf", {}).get("psram", "")),
        framework_flash_bytes=int(firmware.get("framework_flash_bytes", 0)),
        framework_ram_bytes=int(firmware.get("framework_ram_bytes", 0)),
        check_llvm_cpu=tc.get("check_llvm_cpu", ""), check_isa=tc.get("check_isa", ""),
    )


def _regions(mem: dict) -> tuple[MemoryRegion, ...]:
    """[[memory.regions]], fastest first: exactly one main region (no `section`), of ram_bytes
    (its `bytes` may be left out)."""
    listed = mem.get("regions", [])
    if not listed:
        return ()
    regions = tuple(MemoryRegion(  # the main region is the board's RAM: its size is ram_bytes
        name=str(r["name"]), size=int(r["bytes"] if "section" in r else r.get("bytes", mem["ram_bytes"])),
        speed=int(r["speed"]), section=str(r.get("section", "")),
        origin=int(r["origin"]) if "origin" in r else None, dma=bool(r.get("dma", True)),
        description=str(r.get("description", ""))) for r in listed)
    main = [r for r in regions if r.is_main]
    if len(main) != 1:
        raise ValueError("[[memory.regions]] needs exactly one main region (the one without `section`)")
    if main[0].size != int(mem["ram_bytes"]):
        raise ValueError(f"the main region has {main[0].size} bytes, ram_bytes says {mem['ram_bytes']}")
    names = [r.name for r in regions]
    if len(set(names)) != len(names) or not all(n.isidentifier() for n in names):
        raise ValueError(f"region names must be distinct C identifiers: {names}")
    return tuple(sorted(regions, key=lambda r: (r.speed, not r.is_main)))
