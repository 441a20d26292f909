"""The ESP32 and ESP32-S3 projects compiled for the ESP32's ISA here (clang-22/llc-22's Xtensa
back end, -mcpu=esp32): every portable source warning-free, the objects' sections reported, and
the fit check taken from them; the same for their MicroPython natmod's library. Without LLVM the
build falls back to the host gcc and says how to get it."""
from __future__ import annotations

import json

import pytest

from mcugen.boards import load_board
from mcugen.cli import main
from mcugen.codegen import firmware_dir
from mcugen.errors import BoardError
from mcugen.project import isa_objects
from mcugen.project.api import build, check_isa
from mcugen.project.fit import check_measured_fit
from mcugen.project.isa_objects import ObjectReport, SectionSizes, compile_llvm, object_sizes

from tests.micropython.helpers import build_folder

LLVM_ESP32 = "clang-22 + llc-22 -mcpu=esp32"


@pytest.fixture(scope="module", autouse=True)
def _llvm():
    if isa_objects.missing_llvm():  # ./dev setup installs them: their absence is a broken setup
        pytest.fail(f"the ESP32 ISA check needs {isa_objects.missing_llvm()}: {isa_objects.LLVM_INSTALL_HINT}")


@pytest.fixture(scope="module")
def kws_esp32(shared_models, tmp_path_factory):
    out = tmp_path_factory.mktemp("esp32") / "kws"
    return build(shared_models / "kws/kws_ref_model.tflite", "esp32", out)


def test_esp32_objects_are_measured_and_decide_the_fit(kws_esp32):
    result = kws_esp32
    objects, fit = result.objects, result.measured
    assert objects is not None and objects.isa == "Xtensa (ESP32)" and objects.compiler == LLVM_ESP32
    model = objects.parts["model + kernels"]
    weights = json.loads((result.project.path / "mcugen.json").read_text())["weight_bytes"]
    assert weights <= model.rodata < weights + 4096  # the weights are const: flash, not RAM
    assert result.arena_bytes <= model.bss < result.arena_bytes + 1024  # the arena is the bss
    assert model.text > 4000 and model.data == 0  # no initialised writable data anywhere
    assert objects.parts["self-test app + samples"].rodata > 0  # the baked-in samples
    bench = objects.envs["esp32"]
    assert bench == model + objects.parts["bench app (+ per-layer timing)"]
    assert fit.objects == objects.largest
    board = load_board("esp32")
    assert fit.flash == fit.objects.flash + board.framework_flash_bytes
    assert fit.ram == fit.objects.ram + board.stack_bytes + board.framework_ram_bytes


def test_esp32s3_build_prints_the_object_table(shared_models, tmp_path, capfd):
    assert main(["--no-progress", "build", str(shared_models / "hello_world/hello_world_int8.tflite"),
                 "--board", "esp32s3", "-o", str(tmp_path / "fw")]) == 0
    out = capfd.readouterr()
    text = out.out + out.err
    assert f"portable sources compile warning-free with {LLVM_ESP32}" in text
    assert "Xtensa (ESP32) object sizes" in text and "fit on esp32s3: objects measured" in text
    assert "estimate for esp32s3" not in text


def test_clang_warning_fails_the_check(kws_esp32):
    project = kws_esp32.project
    extra = project.path / "src" / "app_selftest" / "extra.c"
    extra.write_text("int mg_unused(int x) { int y; return x; }\n")
    try:
        check = check_isa(project, project.board)
    finally:
        extra.unlink()
    assert check.summary.startswith("clang-22 rejects extra.c") and "unused variable" in check.summary
    assert check.report is None


def test_without_llvm_the_host_gcc_checks_and_the_install_is_named(kws_esp32, monkeypatch):
    monkeypatch.setattr(isa_objects, "missing_llvm", lambda: ["clang-22", "llc-22"])
    project = kws_esp32.project
    check = check_isa(project, project.board)
    assert "clang-22, llc-22 not found" in check.summary
    assert "apt-get install clang-22 llvm-22" in check.summary
    assert check.summary.endswith("portable sources compile warning-free with gcc")
    assert check.report is None  # host objects say nothing about the ESP32's sizes


def test_measured_fit_refuses_objects_beyond_the_board():
    board = load_board("esp32")
    big = SectionSizes(text=10_000, rodata=900_000, bss=160_000)
    report = ObjectReport("Xtensa (ESP32)", LLVM_ESP32, {"model + kernels": big}, {"esp32": big})
    with pytest.raises(BoardError) as info:
        check_measured_fit("big", report, board)
    message = info.value.message
    assert "needs" in message and "Xtensa (ESP32) objects' text + rodata + data" in message
    assert "objects' data + bss" in message  # RAM too: 160 KB of bss + stack + ESP-IDF > 180 KiB
    small = SectionSizes(text=10_000, rodata=20_000, bss=9_000)
    fit = check_measured_fit("small", ObjectReport("x", "y", {}, {"esp32": small}), board)
    assert fit.flash == 30_000 + board.framework_flash_bytes


@pytest.mark.slow
def test_every_kernel_compiles_for_the_esp32(tmp_path):
    """All kernels (not only a model's), warnings as errors; float kernels may call libgcc's
    soft-float division, nothing else outside memcpy."""
    include = firmware_dir() / "include"
    for src in sorted((firmware_dir() / "kernels").glob("*.c")):
        obj = tmp_path / (src.stem + ".o")
        compile_llvm(src, obj, "esp32", ["-O2", f"-I{include}"])
        assert object_sizes(obj, "llvm-size-22").text > 0, src.name


def test_esp32_natmod_library_compiles_for_the_esp32(tmp_path):
    project = build_folder("ad", "esp32", tmp_path / "ad")
    assert project.isa is not None and project.isa.report is not None, project.isa
    assert project.isa.summary == f"the 3 library sources compile warning-free with {LLVM_ESP32}"
    sizes = project.isa.report.parts["model + kernels"]
    assert project.weight_bytes <= sizes.rodata and sizes.data == 0
    assert project.arena_bytes <= sizes.bss


def test_host_natmod_has_no_isa_check(tmp_path):
    assert build_folder("hello_world", "unix", tmp_path / "hw").isa is None


@pytest.mark.slow
@pytest.mark.parametrize("model", ["vww/vww_96_int8.tflite", "ic/pretrainedResnet_quant.tflite", "ad/ad01_int8.tflite",
                                   "hello_world/hello_world_int8.tflite"])
def test_every_shared_model_compiles_for_the_esp32(model, shared_models, tmp_path):
    """Each shared model's generated sources (model, its kernels, both apps) through LLVM's ESP32
    target with -Werror, and measured (KWS is the fixture above)."""
    result = build(shared_models / model, "esp32", tmp_path / "fw")
    assert result.objects is not None and result.objects.compiler == LLVM_ESP32
    part = result.objects.parts["model + kernels"]
    assert part.text > 0 and part.rodata >= json.loads((result.project.path / "mcugen.json").read_text())["weight_bytes"]
