"""The MicroPython folder renders with MicroPython's documented layout (1.29) for every target."""
from __future__ import annotations

import json
import re

import pytest

from mcugen.errors import BoardError, McugenError, ToolchainError
from mcugen.micropython.render import check_module_name
from mcugen.micropython.targets import resolve_target

from .helpers import MODELS, build_folder


def _make_list(text: str, variable: str) -> list[str]:
    """Values of a Makefile variable written as `VAR = a \\ b \\ c` (continuation lines)."""
    m = re.search(rf"^{variable} = ((?:.*\\\n)*.*)$", text, re.M)
    assert m, f"{variable} not set"
    return m.group(1).replace("\\\n", " ").split()


@pytest.fixture(scope="module")
def ad_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("mpy") / "ad_mpy"
    project = build_folder("ad", "nucleo_f401re", out, name="anomaly")
    return out, project


def test_natmod_makefile_follows_dynruntime_layout(ad_folder):
    out, project = ad_folder
    text = (out / "natmod/Makefile").read_text()
    assert re.search(r"^MPY_DIR \?= ", text, re.M)
    assert re.search(r"^MOD = anomaly$", text, re.M)
    assert re.search(r"^ARCH \?= armv7emsp$", text, re.M)
    sources = _make_list(text, "SRC")
    assert sources[0] == "anomaly_mpy.c"  # mpy_init's file first, or the module crashes on import
    c_files = sorted(p.name for p in (out / "natmod").glob("*.c"))
    assert sorted(sources) == c_files
    assert "model.c" in sources and "model_weights.c" in sources
    assert any(s.endswith("_s8.c") for s in sources), "the kernels the model uses are compiled in"
    # dynruntime.mk must come after the variables it reads, and be the last thing
    assert text.rstrip().splitlines()[-1] == "include $(MPY_DIR)/py/dynruntime.mk"
    assert "mpy_init" in (out / "natmod/anomaly_mpy.c").read_text()


def test_user_c_module_for_make_and_cmake_ports(ad_folder):
    out, _ = ad_folder
    mod = out / "usercmodule/anomaly"
    mk = (mod / "micropython.mk").read_text()
    dir_var = re.search(r"^(\w+) := \$\(USERMOD_DIR\)$", mk, re.M).group(1)
    assert f"SRC_USERMOD_C += $({dir_var})/anomaly_mpy.c" in mk  # scanned for qstrs
    lib = re.findall(rf"^SRC_USERMOD_LIB_C \+= \$\({dir_var}\)/(\S+)$", mk, re.M)
    c_files = sorted(p.name for p in mod.glob("*.c"))
    assert sorted(lib + ["anomaly_mpy.c"]) == c_files
    assert f"CFLAGS_USERMOD += -I$({dir_var})" in mk

    cmake = (mod / "micropython.cmake").read_text()
    assert "add_library(usermod_anomaly INTERFACE)" in cmake
    listed = re.findall(r"\$\{CMAKE_CURRENT_LIST_DIR\}/(\S+\.c)", cmake)
    assert sorted(listed) == c_files
    assert "target_link_libraries(usermod INTERFACE usermod_anomaly)" in cmake
    top = (out / "usercmodule/micropython.cmake").read_text()
    assert "include(${CMAKE_CURRENT_LIST_DIR}/anomaly/micropython.cmake)" in top

    glue = (mod / "anomaly_mpy.c").read_text()
    assert "MP_REGISTER_MODULE(MP_QSTR_anomaly, anomaly_mpy_module);" in glue


def test_build_folder_has_helpers_manifest_and_model(ad_folder):
    out, project = ad_folder
    for name in ("bench.py", "mcugen_io.py", "README.md", "model.tflite", "mcugen-micropython.json"):
        assert (out / name).is_file(), name
    package = json.loads((out / "package.json").read_text())  # what mpremote mip installs
    assert package["urls"] == [["anomaly.mpy", "natmod/anomaly.mpy"], ["mcugen_io.py", "mcugen_io.py"]]
    for name in ("bench.py", "mcugen_io.py"):  # must at least be valid Python for the board
        compile((out / name).read_text(), name, "exec")
    assert (out / "model.tflite").read_bytes() == (MODELS / "ad/ad01_int8.tflite").read_bytes()
    assert project.arena_bytes > 0 and project.weight_bytes > 200_000
    assert not list(out.parent.glob(".ad_mpy*")), "no temporary folder left behind"


@pytest.mark.parametrize("board,arch", [("unix", "x64"), ("mps2_an386", "armv7emsp"),
                                        ("nucleo_h743zi", "armv7emsp"), ("esp32", "xtensawin"),
                                        ("esp32s3", "xtensawin"), ("esp32c3", "rv32imc"),
                                        ("riscv32_virt", "rv32imc"), ("rpi_pico", "armv6m"),
                                        ("microbit", "armv6m"), ("mps2_an505", "armv7emsp")])
def test_board_picks_natmod_arch(board, arch):
    assert resolve_target(board).arch.name == arch


def test_m55_natmod_takes_the_dsp_kernels():
    """mps3_an547 selects the mve kernels, but a natmod is built for armv7emsp (no MVE)."""
    target = resolve_target("mps3_an547")
    assert (target.arch.name, target.kernel_variant) == ("armv7emsp", "dsp")


def test_rv32imc_natmod_keeps_floats(tmp_path):
    build_folder("hello_world", "esp32c3", tmp_path / "out")
    text = (tmp_path / "out/natmod/Makefile").read_text()
    assert "MICROPY_FLOAT_IMPL = float" in text  # else input_quant() could not return a float


def test_unknown_board_is_a_board_error():
    with pytest.raises(BoardError):
        resolve_target("no_such_board")


@pytest.mark.parametrize("name", ["time", "gc", "1model", "my-model", "class"])
def test_bad_module_names_are_refused(name):
    with pytest.raises(McugenError) as info:
        check_module_name(name)
    assert info.value.hint


def test_failed_build_keeps_existing_output(tmp_path):
    out = tmp_path / "out"
    build_folder("hello_world", "unix", out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    not_micropython = tmp_path / "empty"
    not_micropython.mkdir()
    with pytest.raises(ToolchainError):  # fails while the new folder is half written
        build_folder("ad", "unix", out, mpy_dir=not_micropython)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "out"]


@pytest.mark.parametrize("board,kernel", [("nucleo_f401re", "fully_connected_quad_dsp_s8.c"),
                                          ("esp32", "fully_connected_xtensa_s8.c"),
                                          ("esp8266", "fully_connected_xtensa_s8.c"),
                                          ("unix", "fully_connected_s8.c")])
def test_natmod_uses_the_boards_kernels(board, kernel, tmp_path):
    build_folder("hello_world", board, tmp_path / "out")
    assert kernel in _make_list((tmp_path / "out/natmod/Makefile").read_text(), "SRC")
