"""The ESP-IDF projects, checked against what ESP-IDF expects without ESP-IDF (not installable here):

- sdkconfig.defaults: every line a `CONFIG_<SYMBOL>=<value>` of a Kconfig symbol ESP-IDF v5.3 to
  v6.2 declare for the target, with a prompt (a value given to a promptless symbol is ignored), in
  the symbol's value format, one option per choice, and the values the model needs;
- the CMake files: run by the real CMake (script mode) with ESP-IDF's project.cmake and
  idf_component_register stood in for, which check the calls and their keywords;
- partitions.csv: ESP-IDF's columns, types and subtypes, alignment (gen_esp32part.py), no overlap,
  inside the flash, and the factory app holds the firmware with the model;
- placement: the arena in a `.bss.*` section (internal DRAM) and the weights in `.rodata.*`
  (flash), which is where ESP-IDF's linker fragments map them.
"""
from __future__ import annotations

import configparser
import csv
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from elftools.elf.constants import SH_FLAGS
from elftools.elf.elffile import ELFFile

from mcugen.boards import load_board
from mcugen.cli import main
from mcugen.errors import BoardError
from mcugen.project import espidf

ESPIDF_BOARDS = ["esp32", "esp32s3", "esp32c3"]

# The Kconfig symbols the projects may set, as the Kconfig files of ESP-IDF v5.3 to v6.2 declare
# them (components/esp_system/Kconfig, Kconfig, components/esptool_py/Kconfig.projbuild,
# components/partition_table/Kconfig.projbuild, components/esp_psram/esp32s3/Kconfig.spiram):
# symbol -> (type, the choice it belongs to, the symbol its prompt needs, the targets that have it).
ALL = frozenset(ESPIDF_BOARDS)
KCONFIG = {
    "ESP_MAIN_TASK_STACK_SIZE": ("int", None, None, ALL),
    "ESP_TASK_WDT_EN": ("bool", None, None, ALL),
    "COMPILER_OPTIMIZATION_PERF": ("bool", "COMPILER_OPTIMIZATION", None, ALL),
    **{f"ESPTOOLPY_FLASHSIZE_{size}": ("bool", "ESPTOOLPY_FLASHSIZE", None, ALL) for size in espidf.FLASH_SIZES},
    "PARTITION_TABLE_CUSTOM": ("bool", "PARTITION_TABLE_TYPE", None, ALL),
    "PARTITION_TABLE_CUSTOM_FILENAME": ("string", None, "PARTITION_TABLE_CUSTOM", ALL),
    "PARTITION_TABLE_OFFSET": ("hex", None, None, ALL),
    "SPIRAM": ("bool", None, None, frozenset({"esp32", "esp32s3"})),
    "SPIRAM_MODE_QUAD": ("bool", "SPIRAM_MODE", "SPIRAM", frozenset({"esp32s3"})),
    "SPIRAM_MODE_OCT": ("bool", "SPIRAM_MODE", "SPIRAM", frozenset({"esp32s3"})),
    "SPIRAM_XIP_FROM_PSRAM": ("bool", None, "SPIRAM", frozenset({"esp32s3"})),
    "SPIRAM_RODATA": ("bool", None, "SPIRAM", frozenset({"esp32s3"})),
    "SPIRAM_FETCH_INSTRUCTIONS": ("bool", None, "SPIRAM", frozenset({"esp32s3"})),
    # components/esp_psram/Kconfig.spiram.common
    "SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY": ("bool", None, "SPIRAM", frozenset({"esp32", "esp32s3"})),
    # has a prompt only with a custom console UART: a value here alone would be ignored
    "ESP_CONSOLE_UART_BAUDRATE": ("int", None, "ESP_CONSOLE_UART_CUSTOM", ALL),
}
VALUE = {"bool": r"[yn]", "int": r"-?[0-9]+", "hex": r"0x[0-9a-fA-F]+", "string": r'"(?:[^"\\]|\\.)*"'}


def sdkconfig_problems(text: str, target: str) -> list[str]:
    """What ESP-IDF's configuration step would reject or silently ignore in sdkconfig.defaults."""
    problems, values = [], {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        m = re.fullmatch(r"CONFIG_([A-Z0-9_]+)=(.*)", line)
        if m is None:
            problems.append(f"not a CONFIG_<SYMBOL>=<value> line: {line!r}")
            continue
        name, value = m.groups()
        if name not in KCONFIG or target not in KCONFIG[name][3]:
            problems.append(f"{name}: no such Kconfig symbol for {target}")
            continue
        if not re.fullmatch(VALUE[KCONFIG[name][0]], value):
            problems.append(f"{name}: {value!r} is not a {KCONFIG[name][0]} value")
        if name in values:
            problems.append(f"{name} set twice")
        values[name] = value
    for name, value in values.items():
        kind, choice, needs, _targets = KCONFIG.get(name, (None, None, None, ()))
        if needs and values.get(needs) != "y":
            problems.append(f"{name} has no prompt without {needs}=y: ESP-IDF ignores it")
        if choice and value == "y":
            chosen = [n for n, v in values.items() if KCONFIG[n][1] == choice and v == "y"]
            if len(chosen) > 1:
                problems.append(f"choice {choice}: {chosen} all selected")
    return problems


def test_the_sdkconfig_checker_catches_what_esp_idf_would_not_take():
    assert sdkconfig_problems("CONFIG_ESP_CONSOLE_UART_BAUDRATE=115200\n", "esp32")  # the old template's line
    assert sdkconfig_problems("CONFIG_ESP_TASK_WDT=n\n", "esp32")                   # the IDF 4.x name
    assert sdkconfig_problems("CONFIG_ESP_MAIN_TASK_STACK_SIZE=16k\n", "esp32")
    assert sdkconfig_problems("CONFIG_SPIRAM=y\nCONFIG_SPIRAM_MODE_OCT=y\n", "esp32")  # no octal PSRAM there
    assert sdkconfig_problems("CONFIG_ESPTOOLPY_FLASHSIZE_4MB=y\nCONFIG_ESPTOOLPY_FLASHSIZE_8MB=y\n", "esp32")
    assert sdkconfig_problems('CONFIG_PARTITION_TABLE_CUSTOM_FILENAME="p.csv"\n', "esp32")
    assert not sdkconfig_problems('CONFIG_PARTITION_TABLE_CUSTOM=y\nCONFIG_PARTITION_TABLE_CUSTOM_FILENAME="p.csv"\n'
                                  "CONFIG_PARTITION_TABLE_OFFSET=0x8000\n", "esp32")


# ---- partitions.csv ---------------------------------------------------------------------------

TYPES = {"app": {"factory", "test"} | {f"ota_{i}" for i in range(16)},
         "data": {"ota", "phy", "nvs", "coredump", "nvs_keys", "efuse", "undefined", "esphttpd", "fat",
                  "spiffs", "littlefs"}}


def read_partitions(text: str) -> list[tuple[str, str, str, int, int]]:
    rows = [r for r in csv.reader(line for line in text.splitlines() if line.strip() and not line.startswith("#"))]
    return [(r[0].strip(), r[1].strip(), r[2].strip(), int(r[3], 0), int(r[4], 0)) for r in rows]


def partition_problems(text: str, flash_bytes: int) -> list[str]:
    """gen_esp32part.py's rules for a table at 0x8000 (no secure boot) and the flash's size."""
    problems, end = [], espidf.PARTITION_TABLE_OFFSET + espidf.PARTITION_TABLE_BYTES
    for name, ptype, subtype, offset, size in read_partitions(text):
        if ptype not in TYPES or subtype not in TYPES[ptype]:
            problems.append(f"{name}: type {ptype} / subtype {subtype}")
        if offset % (0x10000 if ptype == "app" else 0x1000):
            problems.append(f"{name}: offset 0x{offset:x} misaligned")
        if ptype == "app" and size % 0x1000:
            problems.append(f"{name}: size 0x{size:x} not a multiple of 4 KiB")
        if offset < end:
            problems.append(f"{name}: overlaps what precedes it")
        end = offset + size
    if end > flash_bytes:
        problems.append(f"ends at 0x{end:x}, past the flash (0x{flash_bytes:x})")
    return problems


@pytest.mark.parametrize("board_name", ESPIDF_BOARDS)
def test_partition_table_grows_the_factory_app_only_when_needed(board_name):
    board = load_board(board_name)
    assert espidf.partition_table(board, espidf.DEFAULT_FACTORY_BYTES) is None  # the default table holds it
    parts = espidf.partition_table(board, 3 * 2**20)
    text = espidf.partitions_csv(parts)
    assert not partition_problems(text, espidf.flash_bytes(board.espidf_flash_size)), text
    factory = [p for p in read_partitions(text) if p[2] == "factory"]
    assert len(factory) == 1 and factory[0][4] >= 3 * 2**20
    assert factory[0][4] == board.flash_bytes  # what the fit check allows is what the table gives
    with pytest.raises(BoardError, match="does not fit"):
        espidf.partition_table(board, board.flash_bytes + 1)


def test_the_partition_checker_catches_misplaced_partitions():
    good = "nvs, data, nvs, 0x9000, 0x6000,\nfactory, app, factory, 0x10000, 0x100000,\n"
    assert not partition_problems(good, 4 << 20)
    assert partition_problems(good.replace("0x10000,", "0x18000,"), 4 << 20)    # app off 64 KiB
    assert partition_problems(good.replace("0x100000", "0x100800"), 4 << 20)     # app size off 4 KiB
    assert partition_problems(good.replace("0x9000", "0x7000"), 4 << 20)         # over the table
    assert partition_problems(good, 1 << 20)                                     # past the flash
    assert partition_problems(good.replace("factory, 0x", "fabric, 0x"), 4 << 20)


# ---- CMake ------------------------------------------------------------------------------------

# ESP-IDF v5.3 to v6.2, tools/cmake/component.cmake: idf_component_register's keywords
REGISTER_KEYWORDS = ("WHOLE_ARCHIVE", "KCONFIG;KCONFIG_PROJBUILD",
                     "SRCS;SRC_DIRS;EXCLUDE_SRCS;INCLUDE_DIRS;PRIV_INCLUDE_DIRS;LDFRAGMENTS;REQUIRES;"
                     "PRIV_REQUIRES;REQUIRED_IDF_TARGETS;EMBED_FILES;EMBED_TXTFILES")

FAKE_PROJECT_CMAKE = """
set(MG_PROJECT_CMAKE_INCLUDED 1)
function(project name)
    if(NOT CMAKE_MINIMUM_REQUIRED_VERSION OR CMAKE_MINIMUM_REQUIRED_VERSION VERSION_LESS 3.16)
        message(FATAL_ERROR "ESP-IDF needs cmake_minimum_required(VERSION 3.16) before project()")
    endif()
    if(NOT name MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
        message(FATAL_ERROR "project name ${name}")
    endif()
    message(STATUS "PROJECT=${name}")
endfunction()
"""

DRIVER = """
set(ENV{{IDF_PATH}} "{idf}")
set(CMAKE_SOURCE_DIR "{project}")
include("{project}/CMakeLists.txt")
if(NOT MG_PROJECT_CMAKE_INCLUDED)
    message(FATAL_ERROR "CMakeLists.txt does not include $ENV{{IDF_PATH}}/tools/cmake/project.cmake")
endif()
set(SDKCONFIG "{project}/.pio/build/{env}/sdkconfig.{env}")
set(COMPONENT_LIB __idf_src)
function(idf_component_register)
    cmake_parse_arguments(_ "{options}" "{single}" "{multi}" ${{ARGN}})
    if(__UNPARSED_ARGUMENTS)
        message(FATAL_ERROR "idf_component_register: unknown arguments ${{__UNPARSED_ARGUMENTS}}")
    endif()
    foreach(src IN LISTS __SRCS)
        message(STATUS "SRC=${{src}}")
    endforeach()
    foreach(dir IN LISTS __INCLUDE_DIRS)
        get_filename_component(abs "${{dir}}" ABSOLUTE BASE_DIR "${{CMAKE_CURRENT_LIST_DIR}}")
        message(STATUS "INCLUDE=${{abs}}")
    endforeach()
    set(MG_REGISTERED 1 PARENT_SCOPE)
endfunction()
function(target_compile_definitions target scope)
    if(NOT target STREQUAL COMPONENT_LIB OR NOT scope MATCHES "^(PRIVATE|PUBLIC|INTERFACE)$")
        message(FATAL_ERROR "target_compile_definitions(${{target}} ${{scope}} ...)")
    endif()
    foreach(def IN LISTS ARGN)
        message(STATUS "DEFINE=${{def}}")
    endforeach()
endfunction()
set(CMAKE_CURRENT_LIST_DIR "{project}/src")
include("{project}/src/CMakeLists.txt")
if(NOT MG_REGISTERED)
    message(FATAL_ERROR "src/CMakeLists.txt never calls idf_component_register")
endif()
"""


def run_cmake(project: Path, env: str, tmp: Path) -> dict[str, list[str]]:
    cmake = shutil.which("cmake")
    assert cmake, "cmake is needed to check the ESP-IDF CMake files (apt-get install cmake)"
    idf = tmp / "fake_idf"
    (idf / "tools" / "cmake").mkdir(parents=True, exist_ok=True)
    (idf / "tools" / "cmake" / "project.cmake").write_text(FAKE_PROJECT_CMAKE)
    options, single, multi = REGISTER_KEYWORDS
    driver = tmp / f"check_{env}.cmake"
    driver.write_text(DRIVER.format(idf=idf, project=project, env=env, options=options, single=single, multi=multi))
    proc = subprocess.run([cmake, "-P", str(driver)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    found: dict[str, list[str]] = {}
    for line in (proc.stdout + proc.stderr).splitlines():
        m = re.match(r"-- (PROJECT|SRC|INCLUDE|DEFINE)=(.*)", line)
        if m:
            found.setdefault(m.group(1), []).append(m.group(2))
    return found


# ---- the projects -----------------------------------------------------------------------------

def _build(model: Path, board: str, out: Path) -> None:
    assert main(["--no-progress", "-q", "build", str(model), "--board", board, "-o", str(out), "--no-compile"]) == 0


def _check_project(out: Path, board_name: str, tmp: Path, big: bool) -> None:
    board = load_board(board_name)
    target = board_name
    sdk = (out / "sdkconfig.defaults").read_text()
    assert not sdkconfig_problems(sdk, target), sdkconfig_problems(sdk, target)
    values = dict(line.split("=", 1) for line in sdk.splitlines() if line.startswith("CONFIG_"))
    assert values["CONFIG_ESP_MAIN_TASK_STACK_SIZE"] == str(board.stack_bytes)
    assert values[f"CONFIG_ESPTOOLPY_FLASHSIZE_{board.espidf_flash_size}"] == "y"
    assert ("CONFIG_SPIRAM" in values) == bool(board.espidf_psram)
    if board.espidf_psram:  # the weights must stay in flash
        assert values["CONFIG_SPIRAM_RODATA"] == "n" and values["CONFIG_SPIRAM_XIP_FROM_PSRAM"] == "n"
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(out / "platformio.ini")
    if big:
        csv_text = (out / espidf.PARTITIONS_FILE).read_text()
        assert not partition_problems(csv_text, espidf.flash_bytes(board.espidf_flash_size))
        assert values["CONFIG_PARTITION_TABLE_CUSTOM"] == "y"
        assert values["CONFIG_PARTITION_TABLE_CUSTOM_FILENAME"] == f'"{espidf.PARTITIONS_FILE}"'
        weights = __import__("json").loads((out / "mcugen.json").read_text())["weight_bytes"]
        factory = [p for p in read_partitions(csv_text) if p[2] == "factory"][0]
        assert factory[4] >= weights + board.firmware_flash_bytes
        for env in (board_name, f"{board_name}_selftest"):
            assert ini[f"env:{env}"]["board_build.partitions"] == espidf.PARTITIONS_FILE
    else:
        assert not (out / espidf.PARTITIONS_FILE).exists() and "CONFIG_PARTITION_TABLE_CUSTOM" not in values
    assert '-DMG_MEMORY_HEADER="mg_espidf_memory.h"' in ini["mcugen"]["build_flags"]
    for env, app, other in ((f"{board_name}_selftest", "app_selftest", "app_bench"),
                            (board_name, "app_bench", "app_selftest")):
        found = run_cmake(out, env, tmp)
        assert found["PROJECT"] == [f"mcugen_model_{board_name}"]
        srcs = found["SRC"]
        assert any(f"/{app}/" in s for s in srcs) and not any(f"/{other}/" in s for s in srcs)
        assert {"model.c", "model_weights.c", "board.c"} <= {Path(s).name for s in srcs}
        assert all(Path(d).is_dir() for d in found["INCLUDE"]) and str(out / "include") in found["INCLUDE"]
        assert 'MG_MEMORY_HEADER="mg_espidf_memory.h"' in found["DEFINE"]
        assert ('MG_HOOKS_HEADER="mg_bench_hooks.h"' in found["DEFINE"]) == (app == "app_bench")


@pytest.mark.parametrize("board_name", ESPIDF_BOARDS)
def test_small_model_project(board_name, shared_models, tmp_path):
    out = tmp_path / "fw"
    _build(shared_models / "kws/kws_ref_model.tflite", board_name, out)
    _check_project(out, board_name, tmp_path, big=False)


def large_dense_model() -> bytes:
    """A model whose weights (1.4 MB) need more than ESP-IDF's default 1 MiB factory app."""
    from tests.support.oracle import seeded_model, to_int8

    model, rng = seeded_model(lambda k, x: k.layers.Dense(1400)(x), (1000,), 3)
    return to_int8(model, rng=rng, low=-1, high=1)


@pytest.mark.slow
@pytest.mark.parametrize("board_name", ["esp32", "esp32s3"])
def test_large_model_project_gets_a_partition_table(board_name, tmp_path):
    path = tmp_path / "dense.tflite"
    path.write_bytes(large_dense_model())
    out = tmp_path / "fw"
    _build(path, board_name, out)
    _check_project(out, board_name, tmp_path, big=True)


# ---- where the arena and the weights go -------------------------------------------------------

# ESP-IDF v5.3 to v6.2: components/esp_common/common.lf `[sections:bss] .bss+` and
# `[sections:rodata] .rodata+`; components/esp_system/app.lf `bss -> dram0_bss` (internal DRAM)
# and `rodata -> flash_rodata` (flash, DROM). External RAM takes `.ext_ram.bss` only.
INTERNAL_BSS, FLASH_RODATA = ".bss.", ".rodata."


def test_arena_in_internal_ram_and_weights_in_flash(shared_models, tmp_path):
    out = tmp_path / "fw"
    _build(shared_models / "hello_world/hello_world_int8.tflite", "esp32c3", out)
    board = load_board("esp32c3")
    sections = {}
    for name in ("model.c", "model_weights.c"):
        obj = tmp_path / (name + ".o")
        subprocess.run([f"{board.check_prefix}gcc", *board.check_cflags, "-std=c99", "-O2", "-c",
                        '-DMG_MEMORY_HEADER="mg_espidf_memory.h"', "-I", str(out / "include"),
                        str(out / "src" / name), "-o", str(obj)], check=True)
        with obj.open("rb") as f:
            elf = ELFFile(f)
            symtab = elf.get_section_by_name(".symtab")
            for sym in symtab.iter_symbols():
                if isinstance(sym["st_shndx"], int) and sym.name.startswith("model_"):
                    sec = elf.get_section(sym["st_shndx"])
                    sections[sym.name] = (sec.name, sec["sh_type"], sec["sh_flags"])
    arena = sections["model_arena"]
    assert arena[0].startswith(INTERNAL_BSS) and arena[1] == "SHT_NOBITS"  # zeroed, not in the image
    constants = {k: v for k, v in sections.items() if re.fullmatch(r"model_(w\d+|l\d+_\w+)", k)}
    assert constants and all((name == ".rodata" or name.startswith(FLASH_RODATA)) and not flags & SH_FLAGS.SHF_WRITE
                             for name, _type, flags in constants.values())
    # the weights and per-layer arrays in their named section; the layers' params structs in .rodata
    assert {v[0] for k, v in constants.items() if not k.endswith("_params")} == {".rodata.mcugen_weights"}


@pytest.mark.slow
def test_an_arena_too_big_for_the_internal_sram_spills_its_coldest_buffers_to_the_psram(tmp_path):
    """esp32s3 (N8R8): a 400 KB activation cannot sit in the ~280 KB of internal SRAM left for the
    arena; it goes to the PSRAM (its own section, which ESP-IDF fills only with
    CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY), the rest stays internal; a small model stays
    wholly internal and sets nothing."""
    import json

    from tests.support.oracle import seeded_model, to_int8

    model, rng = seeded_model(lambda k, x: k.layers.Conv2D(4, 3, padding="same")(
        k.layers.Conv2D(16, 3, padding="same")(x)), (160, 160, 8), 5)
    path = tmp_path / "wide.tflite"
    path.write_bytes(to_int8(model, rng=rng))
    out = tmp_path / "fw"
    _build(path, "esp32s3", out)
    manifest = json.loads((out / "mcugen.json").read_text())
    regions = {r["name"]: r for r in manifest["regions"]}
    spilled = [b for b in manifest["buffers"] if b["region"] == "psram"]
    assert len(spilled) == 1 and spilled[0]["bytes"] == 160 * 160 * 16  # the conv's 16-channel output
    assert regions["psram"]["arena"] >= 160 * 160 * 16 and 0 < regions["sram"]["arena"] < regions["psram"]["arena"]
    model_c = (out / "src" / "model.c").read_text()
    assert 'model_arena_psram[MODEL_ARENA_PSRAM_BYTES] __attribute__((section(".ext_ram.bss.mcugen_arena")))' in model_c
    assert "MG_ARENA_ATTR uint8_t model_arena[MODEL_ARENA_BYTES]" in model_c
    sdkconfig = (out / "sdkconfig.defaults").read_text()
    assert "CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY=y" in sdkconfig
    assert sdkconfig_problems(sdkconfig, "esp32s3") == []
    small = tmp_path / "small"
    _build(Path(__file__).resolve().parents[2] / ".." / "shared" / "models" / "kws" / "kws_ref_model.tflite",
           "esp32s3", small)
    assert "ALLOW_BSS" not in (small / "sdkconfig.defaults").read_text()
    assert [r["name"] for r in json.loads((small / "mcugen.json").read_text())["regions"] if r["arena"]] == ["sram"]
