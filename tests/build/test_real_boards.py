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

    symbols = subprocess.run(["arm-none-eabi-nm", str(out / ".pio" / "portable-check" / "selftest_main.o")],
                             capture_output=True, text=True, check=True).stdout.split()
    assert "mg_app_main" in symbols and "main" not in symbols
