"""What must stop a build, and what must be noticed: a model too big for the board (numbers,
exit 2, nothing written) and a self-test whose outputs differ from tflite-micro."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from mcugen.boards import BOARDS_DIR, load_board
from mcugen.project.fit import check_fit
from mcugen.project.files import render_project, selftest_data
from mcugen.project.pio import run_pio
from mcugen.qemu import run_elf
from mcugen.convert.tflite_reader import read_graph
from mcugen.errors import BoardError


@pytest.fixture
def small_board(tmp_path, monkeypatch):
    """A user board like the F401RE but with 32 KiB of RAM and 128 KiB of flash."""
    text = (BOARDS_DIR / "nucleo_f401re.toml").read_text()
    folder = tmp_path / "boards"
    folder.mkdir()
    (folder / "small_f4.toml").write_text(text.replace('name = "nucleo_f401re"', 'name = "small_f4"')
                                          .replace("ram_bytes = 98_304", "ram_bytes = 32_768")
                                          .replace("flash_bytes = 524_288", "flash_bytes = 131_072"))
    monkeypatch.setenv("MCUGEN_BOARD_PATH", str(folder))
    return "small_f4"


def test_too_big_model_exits_2_with_numbers_and_writes_nothing(shared_models, small_board, tmp_path):
    out = tmp_path / "vww_fw"
    proc = subprocess.run([sys.executable, "-m", "mcugen", "build",
                           str(shared_models / "vww/vww_96_int8.tflite"), "--board", small_board,
                           "-o", str(out)], capture_output=True, text=True)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    msg = proc.stderr
    assert re.search(r"needs \d+\.\d KiB RAM \(arena \d+\.\d KiB \+ stack 8\.0 KiB", msg), msg
    assert "small_f4 has 32.0 KiB" in msg
    assert re.search(r"needs \d+\.\d KiB flash \(weights 2\d\d\.\d KiB", msg) and "small_f4 has 128.0 KiB" in msg
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".vww_fw")]  # no temporary left


def test_existing_output_survives_a_failed_build(shared_models, small_board, tmp_path):
    out = tmp_path / "fw"
    out.mkdir()
    (out / "keep.txt").write_text("from an earlier build")
    from mcugen.cli import main
    assert main(["build", str(shared_models / "vww/vww_96_int8.tflite"), "--board", small_board,
                 "-o", str(out)]) == 2
    assert (out / "keep.txt").read_text() == "from an earlier build"


def test_fit_check_counts_arena_stack_and_weights(shared_models):
    graph = read_graph((shared_models / "kws/kws_ref_model.tflite").read_bytes(), "kws")
    board = load_board("nucleo_f401re")
    est = check_fit(graph, 16000, board)
    assert est.arena == 16000 and est.stack == board.stack_bytes
    assert 20_000 < est.weights < 30_000  # ~24.4 KB of constants (README of the models)
    with pytest.raises(BoardError, match="needs .* RAM"):
        check_fit(graph, board.ram_bytes, board)


def test_a_wrong_output_byte_fails_the_selftest(shared_models, tmp_path):
    """The pass line is earned: flip one expected byte and the firmware reports FAIL, exit 1."""
    from mcugen.codegen import generate_sources
    from mcugen import pipeline
    from mcugen.ops import lower_graph

    tflite = (shared_models / "hello_world/hello_world_int8.tflite").read_bytes()
    graph = read_graph(tflite, "hello_world")
    calls = lower_graph(graph)
    sources = generate_sources(graph, pipeline.plan(graph, calls), calls)
    good = selftest_data(tflite, graph)
    expected = bytearray(good.expected)
    expected[1] ^= 0x01  # sample 1, the single output byte
    bad = type(good)(good.samples, good.inputs, bytes(expected), good.origin)
    board = load_board("riscv32_virt")
    project = render_project(tmp_path / "fw", sources, board, bad, graph)
    run_pio(project.path, [project.selftest_env], tmp_path / "build.log")
    result = run_elf(board, project.elf(project.selftest_env))
    assert result.exit_status == 1 and not result.passed
    assert "mcugen-selftest: sample 1 output 0 byte 0: got " in result.console
    assert result.result_line.startswith("mcugen-selftest: FAIL 2/3 samples")


def test_run_on_a_real_board_is_refused_before_any_work(shared_models, tmp_path, capfd):
    from mcugen.cli import main

    out = tmp_path / "fw"
    assert main(["build", str(shared_models / "hello_world/hello_world_int8.tflite"),
                 "--board", "esp32", "--run", "-o", str(out)]) == 2
    assert "esp32 is a real board" in capfd.readouterr().err
    assert not out.exists()


def test_board_file_with_missing_glue_fails_before_writing(shared_models, tmp_path, monkeypatch, capfd):
    from mcugen.cli import main

    text = (BOARDS_DIR / "riscv32_virt.toml").read_text()
    folder = tmp_path / "boards"
    folder.mkdir()
    (folder / "my_rv.toml").write_text(text.replace('name = "riscv32_virt"', 'name = "my_rv"')
                                       .replace('glue = ["riscv32_virt"]', 'glue = ["riscv32_virtt"]'))
    monkeypatch.setenv("MCUGEN_BOARD_PATH", str(folder))
    out = tmp_path / "fw"
    assert main(["build", str(shared_models / "hello_world/hello_world_int8.tflite"), "--board", "my_rv",
                 "-o", str(out)]) == 2
    assert "board my_rv: no riscv32_virtt" in capfd.readouterr().err
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == ["boards"]


def test_big_inputs_get_fewer_selftest_samples(shared_models):
    from mcugen.project.files import selftest_sample_count

    def count(path):
        return selftest_sample_count(read_graph((shared_models / path).read_bytes()))

    assert count("kws/kws_ref_model.tflite") == 3  # 490 B in, 12 B out
    assert count("vww/vww_96_int8.tflite") == 2  # 27 KiB per sample
