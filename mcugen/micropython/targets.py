"""Which MicroPython natmod architecture a board runs, and what its Makefile must say about it.

A natmod's ARCH is the instruction set of the firmware that imports it (`sys.implementation._mpy`
tells on the board). Boards are looked up by their core; `unix` is MicroPython's unix port on an
x86-64 Linux or macOS host (for trying a model before flashing anything).
"""
from __future__ import annotations

from dataclasses import dataclass

from mcugen.boards import Board
from mcugen.errors import BoardError

UNIX_BOARD = "unix"


@dataclass(frozen=True)
class NatmodArch:
    name: str  # ARCH for py/dynruntime.mk
    note: str  # which chips, for the Makefile's comment
    cross: str  # compiler prefix dynruntime.mk uses
    # What py/dynruntime.mk compiles with for this ARCH (besides -fpic -fno-common -std=c99):
    # lets tests check the generated C for a natmod without a MicroPython tree.
    cflags: tuple[str, ...] = ()
    # Extra Makefile lines, before the include of dynruntime.mk. rv32imc defaults to no float,
    # but the ESP32-C3 firmware has single-precision floats and the module reports scales as floats.
    settings: tuple[str, ...] = ()


ARCHES = {
    "x64": NatmodArch("x64", "MicroPython unix port on x86-64", "x86_64-linux-gnu-",
                      ("-fno-stack-protector",)),
    "armv6m": NatmodArch("armv6m", "Cortex-M0/M0+, e.g. RP2040", "arm-none-eabi-",
                         ("-mthumb", "-mcpu=cortex-m0"),
                         ("LINK_RUNTIME = 1",)),  # no divide instruction: libgcc helpers
    "armv7m": NatmodArch("armv7m", "Cortex-M3", "arm-none-eabi-", ("-mthumb", "-mcpu=cortex-m3")),
    "armv7emsp": NatmodArch("armv7emsp", "Cortex-M4F/M7/M55, e.g. STM32F4, STM32H7", "arm-none-eabi-",
                            ("-mthumb", "-mcpu=cortex-m4", "-mfpu=fpv4-sp-d16", "-mfloat-abi=hard")),
    "xtensa": NatmodArch("xtensa", "ESP8266 (Xtensa LX106)", "xtensa-lx106-elf-", ("-mforce-l32",),
                         # no divide or high-multiply instruction: libgcc's helpers; the ESP8266
                         # port has single-precision floats, and the module reports scales as floats
                         ("LINK_RUNTIME = 1", "MICROPY_FLOAT_IMPL = float")),
    "xtensawin": NatmodArch("xtensawin", "ESP32, ESP32-S3", "xtensa-esp32-elf-"),
    "rv32imc": NatmodArch("rv32imc", "RISC-V RV32IMC, e.g. ESP32-C3", "riscv64-unknown-elf-",
                          ("-march=rv32imac", "-mabi=ilp32", "-mno-relax", "-specs=picolibc.specs"),
                          ("MICROPY_FLOAT_IMPL = float",)),
}

# board core (boards/*.toml `core`) -> natmod ARCH
CORE_ARCH = {
    "cortex-m0": "armv6m",
    "cortex-m0plus": "armv6m",
    "cortex-m3": "armv7m",
    "cortex-m4": "armv7emsp",
    "cortex-m7": "armv7emsp",
    "cortex-m33": "armv7emsp",
    "cortex-m55": "armv7emsp",
    "xtensa-lx106": "xtensa",
    "xtensa-lx6": "xtensawin",
    "xtensa-lx7": "xtensawin",
    "rv32imc": "rv32imc",
    "rv32imac": "rv32imc",
}


@dataclass(frozen=True)
class MpyTarget:
    board: str
    arch: NatmodArch
    ram_bytes: int | None = None  # the board's RAM (None: a unix host)
    kernel_variant: str = "portable"  # the board's kernels (mcugen.ops.variants), e.g. "dsp"
    arena_align: int = 16  # the board file's arena_align
    board_file: Board | None = None  # None: a unix host

    @property
    def codegen(self):
        """What code generation takes from the board (mcugen.pipeline.Target)."""
        from mcugen.pipeline import Target

        return Target(self.kernel_variant, self.arena_align)


def resolve_target(board_name: str) -> MpyTarget:
    """The natmod architecture for `board_name` (a board file's name, or `unix`)."""
    if board_name == UNIX_BOARD:
        return MpyTarget(UNIX_BOARD, ARCHES["x64"])
    from mcugen.boards import load_board

    board = load_board(board_name)
    arch = CORE_ARCH.get(board.core)
    if arch is None:
        raise BoardError(f"no MicroPython native-module architecture known for core {board.core!r} "
                         f"(board {board_name})",
                         hint="MicroPython natmods exist for: " + ", ".join(sorted(set(CORE_ARCH))))
    # natmods are built for the ARCH's instruction set: no MVE in armv7emsp, where the mve kernels
    # would run their plain-C emulation; the DSP kernels run natively there
    variant = "dsp" if board.kernel_variant == "mve" else board.kernel_variant
    return MpyTarget(board.name, ARCHES[arch], board.ram_bytes, variant, board.arena_align, board)
