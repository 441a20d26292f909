"""The ESP-IDF side of a project for the ESP32 boards (`framework = espidf`): what goes into
sdkconfig.defaults and, when the firmware outgrows ESP-IDF's default single-app table, a partition
table. Everything is computed here; the templates only lay it out (docs/boards.md explains each line).

ESP-IDF's rules this follows (gen_esp32part.py and the Kconfig files of ESP-IDF v5.3 to v6.2):
the partition table sits at 0x8000 and is 0x1000 long; app partitions start on a 64 KiB boundary
and their size is a multiple of 4 KiB; data partitions are 4 KiB aligned; PlatformIO builds the
table from `board_build.partitions`, idf.py from CONFIG_PARTITION_TABLE_CUSTOM_FILENAME, so both
are set.
"""
from __future__ import annotations

from dataclasses import dataclass

from mcugen.boards import Board
from mcugen.errors import BoardError

PARTITION_TABLE_OFFSET = 0x8000
PARTITION_TABLE_BYTES = 0x1000
APP_OFFSET_ALIGN = 0x10000
APP_SIZE_ALIGN = 0x1000
NVS = ("nvs", "data", "nvs", 0x9000, 0x6000)          # as ESP-IDF's partitions_singleapp.csv
PHY_INIT = ("phy_init", "data", "phy", 0xF000, 0x1000)
FACTORY_OFFSET = 0x10000
DEFAULT_FACTORY_BYTES = 0x100000  # the 1 MiB factory app of ESP-IDF's default table
PARTITIONS_FILE = "partitions.csv"
MEMORY_HEADER = "mg_espidf_memory.h"  # firmware/boards/espidf: where the arena and weights go

FLASH_SIZES = ("2MB", "4MB", "8MB", "16MB", "32MB")
PSRAM_MODES = {"quad": "CONFIG_SPIRAM_MODE_QUAD", "octal": "CONFIG_SPIRAM_MODE_OCT"}


def flash_bytes(flash_size: str) -> int:
    return int(flash_size.removesuffix("MB")) << 20


def max_app_bytes(board: Board) -> int:
    """The largest factory app partition the board's flash takes after the bootloader, the
    partition table, nvs and phy_init: what the board file's flash_bytes should say."""
    return flash_bytes(board.espidf_flash_size) - FACTORY_OFFSET


@dataclass(frozen=True)
class Partition:
    name: str
    type: str
    subtype: str
    offset: int
    size: int


def partition_table(board: Board, app_bytes: int) -> tuple[Partition, ...] | None:
    """ESP-IDF's single-app layout with the factory partition grown to the whole flash, when
    `app_bytes` (the firmware with the model) exceeds the default 1 MiB; None when it fits."""
    if app_bytes <= DEFAULT_FACTORY_BYTES:
        return None
    size = max_app_bytes(board) // APP_SIZE_ALIGN * APP_SIZE_ALIGN
    if app_bytes > size:
        raise BoardError(f"the firmware (~{app_bytes} bytes with the model) does not fit the "
                         f"{board.espidf_flash_size} flash of {board.name} ({size} bytes for the app)",
                         hint="a board with more flash, or a smaller model")
    return (Partition(*NVS), Partition(*PHY_INIT), Partition("factory", "app", "factory", FACTORY_OFFSET, size))


def partitions_csv(parts: tuple[Partition, ...]) -> str:
    rows = [f"{p.name + ',':<10}{p.type + ',':<6}{p.subtype + ',':<9}{f'0x{p.offset:x},':<10}0x{p.size:x},"
            for p in parts]
    return ("# Name,   Type, SubType, Offset,   Size, Flags\n"
            "# Written by mcugen: ESP-IDF's single-app layout, the factory app grown to the whole flash\n"
            + "\n".join(rows) + "\n")


def sdkconfig_lines(board: Board, custom_partitions: bool, sections: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(comment, `CONFIG_...=value` line) pairs, in order; a comment of "" continues the previous.
    `sections`: where the plan put arena parts outside the internal SRAM (codegen's Sources.sections)."""
    if board.espidf_flash_size not in FLASH_SIZES:
        raise BoardError(f"board {board.name}: [espidf] flash_size must be one of {', '.join(FLASH_SIZES)}")
    lines = [
        ("The main task runs the model: the stack reserve mcugen planned for (bytes).",
         f"CONFIG_ESP_MAIN_TASK_STACK_SIZE={board.stack_bytes}"),
        ("An inference can outlast the task watchdog's period: no task watchdog.", "CONFIG_ESP_TASK_WDT_EN=n"),
        ("-O2 for the whole application (IDF's default is -Og).", "CONFIG_COMPILER_OPTIMIZATION_PERF=y"),
        (f"The board's flash chip ({board.espidf_flash_size}); PlatformIO warns when it differs from the board's.",
         f"CONFIG_ESPTOOLPY_FLASHSIZE_{board.espidf_flash_size}=y"),
    ]
    if custom_partitions:
        lines += [("The model does not fit the default 1 MiB factory app: partitions.csv (also "
                   "board_build.partitions in platformio.ini).", "CONFIG_PARTITION_TABLE_CUSTOM=y"),
                  ("", f'CONFIG_PARTITION_TABLE_CUSTOM_FILENAME="{PARTITIONS_FILE}"')]
    if board.espidf_psram:
        if board.espidf_psram not in PSRAM_MODES:
            raise BoardError(f"board {board.name}: [espidf] psram must be one of {', '.join(PSRAM_MODES)} or empty")
        lines += [(f"{board.espidf_psram.capitalize()} PSRAM, for your application; the arena stays in internal "
                   f"SRAM when it fits there, and the weights in flash ({MEMORY_HEADER}).", "CONFIG_SPIRAM=y"),
                  ("", f"{PSRAM_MODES[board.espidf_psram]}=y"),
                  ("Read-only data stays in flash: the weights are read through the flash cache, not "
                   "copied to PSRAM at boot.", "CONFIG_SPIRAM_XIP_FROM_PSRAM=n"),
                  ("", "CONFIG_SPIRAM_RODATA=n"),
                  ("", "CONFIG_SPIRAM_FETCH_INSTRUCTIONS=n")]
        if any(section.startswith(".ext_ram.bss") for section in sections):
            lines.append(("The arena is too big for the internal SRAM: its coldest buffers are in the PSRAM "
                          "(section .ext_ram.bss.mcugen_arena), which ESP-IDF fills only with this on.",
                          "CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY=y"))
    elif sections:
        raise BoardError(f"board {board.name}: the plan puts buffers in {', '.join(sections)}, but the board "
                         "has no PSRAM ([espidf] psram)")
    return lines


def check_board(board: Board) -> None:
    """What an ESP-IDF board file must hold: the console at IDF's default baud (the console baud
    is only settable with a custom console UART) and a known flash size."""
    if board.baud != 115200:
        raise BoardError(f"board {board.name}: ESP-IDF's console UART runs at 115200 baud, not {board.baud}")
    sdkconfig_lines(board, False)
