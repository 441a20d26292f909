"""Real boards: the project is what a PlatformIO user builds (`pio run -e <board>`), and its
portable sources (model, kernels, apps) compile warning-free with this machine's compiler for the
board's ISA: arm-none-eabi for STM32, riscv for the ESP32-C3, LLVM's Xtensa back end for the ESP32s,
Debian's gcc-xtensa-lx106 for the ESP8266."""
from __future__ import annotations

import configparser
import json

import pytest

from mcugen.boards import load_board
from mcugen.project.api import check_portable_sources, portable_sources
from mcugen.project.files import Project
from mcugen.cli import main

# KWS exercises the convolution kernels; hello_world keeps the rest quick.
CASES = [("nucleo_f401re", "kws/kws_ref_model.tflite"), ("nucleo_l4r5zi", "hello_world/hello_world_int8.tflite"),
         ("nucleo_h743zi", "hello_world/hello_world_int8.tflite"), ("esp32c3", "kws/kws_ref_model.tflite"),
         ("esp32", "kws/kws_ref_model.tflite"), ("esp32s3", "hello_world/hello_world_int8.tflite"),
         ("rpi_pico", "kws/kws_ref_model.tflite"), ("esp8266", "kws/kws_ref_model.tflite")]


@pytest.mark.parametrize("board,model", CASES)
def test_real_board_project_is_a_platformio_project(board, model, shared_models, tmp_path, capfd):
    out = tmp_path / "fw"
    assert main(["--no-progress", "build", str(shared_models / model), "--board", board,
                 "-o", str(out), "--no-compile"]) == 0
    text = capfd.readouterr()
    b = load_board(board)
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(out / "platformio.ini")
    for env in (board, f"{board}_selftest"):
        section = ini[f"env:{env}"]
        assert section["platform"] == b.pio_platform
        assert section["board"] == b.pio_board
        assert section["framework"] == b.pio_framework
    assert "-<app_selftest/>" in ini[f"env:{board}"]["build_src_filter"]
    assert "-<app_bench/>" in ini[f"env:{board}_selftest"]["build_src_filter"]
    if b.pio_framework == "espidf":  # CMake picks the app per env (build_src_filter is ignored)
        cmake = (out / "src" / "CMakeLists.txt").read_text()
        assert "idf_component_register" in cmake and 'EXCLUDE REGEX "/app_bench/"' in cmake
        assert f"CONFIG_ESP_MAIN_TASK_STACK_SIZE={b.stack_bytes}" in (out / "sdkconfig.defaults").read_text()
    glue = {p.name for p in (out / "src" / "board").iterdir()}
    if board == "esp8266":  # the Arduino core's setup()/Serial: C++
        assert glue == {"board.cpp"}
        assert set(b.pio_build_flags) <= set(ini["mcugen"]["build_flags"].split())
    else:
        expected_glue = {"board.cpp"} if board == "rpi_pico" else {"board.c"}
        assert glue == expected_glue | ({"clock_uart.c"} if board.startswith("nucleo") else set())
    assert f"pio run -e {board}_selftest -t upload -t monitor" in text.err
    assert json.loads((out / "mcugen.json").read_text())["board"] == board

    project = Project(out, b, "model", board, f"{board}_selftest")
    summary = check_portable_sources(project, b)
    compiler = (f"clang-22 + llc-22 -mcpu={b.check_llvm_cpu}" if b.check_llvm_cpu
                else (b.check_prefix or '') + 'gcc')
    assert summary == (f"the {len(portable_sources(project))} portable sources compile warning-free with "
                       f"{compiler}"), summary


def test_portable_check_reports_a_warning_as_failure(shared_models, tmp_path):
    out = tmp_path / "fw"
    assert main(["--no-progress", "-q", "build", str(shared_models / "hello_world/hello_world_int8.tflite"),
                 "--board", "nucleo_f401re", "-o", str(out), "--no-compile"]) == 0
    (out / "src" / "app_selftest" / "extra.c").write_text("int mg_unused(int x) { int y; return x; }\n")
    b = load_board("nucleo_f401re")
    summary = check_portable_sources(Project(out, b, "model", b.name, f"{b.name}_selftest"), b)
    assert "rejects extra.c" in summary


def test_forced_compile_offline_fails_fast_with_the_commands(shared_models, tmp_path, capfd, monkeypatch):
    """--compile for a real board whose platform PlatformIO cannot get: exit 2 at once (not after
    PlatformIO's 60 s registry timeout), the project still written for a connected machine."""
    import time

    from mcugen.project import pio

    if pio.platform_installed(load_board("nucleo_f401re")) or pio.registry_reachable():
        pytest.skip("PlatformIO can get ststm32 here: the offline path does not apply")
    out = tmp_path / "fw"
    start = time.monotonic()
    status = main(["build", str(shared_models / "hello_world/hello_world_int8.tflite"),
                   "--board", "nucleo_f401re", "-o", str(out), "--compile"])
    assert status == 2 and time.monotonic() - start < 30
    err = capfd.readouterr().err
    assert "registry is unreachable" in err and f"cd {out}" in err
    assert (out / "platformio.ini").is_file()


def test_pico_project_runs_the_firmware_from_the_arduino_core(shared_models, tmp_path):
    """Arduino-Pico owns main(): the env selects that core and the clock the counter counts, and
    the firmware's main() comes out as the entry point the glue's setup() calls."""
    out = tmp_path / "fw"
    assert main(["--no-progress", "-q", "build", str(shared_models / "hello_world/hello_world_int8.tflite"),
                 "--board", "rpi_pico", "-o", str(out), "--no-compile"]) == 0
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(out / "platformio.ini")
    env = ini["env:rpi_pico_selftest"]
    assert env["board_build.core"] == "earlephilhower" and env["board_build.f_cpu"] == "133000000L"
    b = load_board("rpi_pico")
    assert b.counter_hz == 133_000_000 and b.kernel_variant == "m0"
    assert "#define MG_BOARD_APP_MAIN mg_app_main" in (out / "include" / "mg_board_config.h").read_text()
    assert "void setup()" in (out / "src" / "board" / "board.cpp").read_text()
    project = Project(out, b, "model", b.name, f"{b.name}_selftest")
    assert "compile warning-free" in check_portable_sources(project, b)
    import subprocess

    symbols = subprocess.run(["arm-none-eabi-nm", str(out / ".pio" / "isa-check" / "app_selftest_selftest_main.o")],
                             capture_output=True, text=True, check=True).stdout.split()
    assert "mg_app_main" in symbols and "main" not in symbols


def test_h743_places_the_arena_over_dtcm_axi_and_d2_sram_and_links_there(tmp_path):
    """nucleo_h743zi's board file lists DTCM, AXI SRAM (main) and D2 SRAM1-3; a model whose two
    281 KiB branch outputs live at once needs all three. The project carries the board's linker
    script (PlatformIO's stm32cube framework cannot be run here): the generated model links with
    it, each region's arena at that RAM's address, the glue switching D2's clocks on."""
    import subprocess

    from tests.support.oracle import seeded_model, to_int8

    def body(k, x):
        return k.layers.Add()([k.layers.Conv2D(20, 3, padding="same")(x), k.layers.Conv2D(20, 1)(x)])

    model, rng = seeded_model(body, (120, 120, 8), 5)
    path = tmp_path / "branches.tflite"
    path.write_bytes(to_int8(model, rng=rng))
    out = tmp_path / "fw"
    assert main(["--no-progress", "build", str(path), "--board", "nucleo_h743zi", "-o", str(out), "--no-compile"]) == 0
    regions = {r["name"]: r for r in json.loads((out / "mcugen.json").read_text())["regions"]}
    assert all(regions[name]["arena"] > 0 for name in ("dtcm", "axi", "d2sram"))
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(out / "platformio.ini")
    assert ini["env:nucleo_h743zi"]["board_build.ldscript"] == "ld/stm32h743zi.ld"
    assert "__HAL_RCC_D2SRAM1_CLK_ENABLE();" in (out / "src" / "board" / "clock_uart.c").read_text()

    # a stand-in for the framework's startup: the vector table and a reset handler that invokes
    (tmp_path / "startup.c").write_text(
        "int model_invoke(void);\nextern char _estack;\n"
        "void Reset_Handler(void) { (void)model_invoke(); for (;;) { } }\n"
        "__attribute__((section(\".isr_vector\"), used)) const void *const vectors[2] = "
        "{&_estack, (const void *)Reset_Handler};\n")
    board = load_board("nucleo_h743zi")
    elf = tmp_path / "h7.elf"
    sources = [str(p) for p in sorted((out / "src").glob("*.c"))]
    subprocess.run(["arm-none-eabi-gcc", *board.cflags, "-O2", "-std=c99", "-ffunction-sections",
                    "-I", str(out / "include"), "-nostartfiles", "--specs=nosys.specs", "-Wl,--gc-sections",
                    "-T", str(out / "ld" / "stm32h743zi.ld"), str(tmp_path / "startup.c"), *sources, "-o", str(elf)],
                   check=True, capture_output=True)
    symbols = {line.split()[2]: int(line.split()[0], 16) for line in subprocess.run(
        ["arm-none-eabi-nm", str(elf)], check=True, capture_output=True, text=True).stdout.splitlines()
        if len(line.split()) == 3}
    assert 0x20000000 <= symbols["model_arena_dtcm"] < 0x20020000
    assert 0x24000000 <= symbols["model_arena"] < 0x24080000
    assert 0x30000000 <= symbols["model_arena_d2sram"] < 0x30048000
    assert symbols["_estack"] == 0x24080000
