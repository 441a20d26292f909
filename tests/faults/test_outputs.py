"""Outputs: `-o` never replaces what mcugen did not make; unwritable places are one clear error;
nothing half-written; output folders follow the umask; projects hold no path of this machine."""
from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time

import pytest

from tests.faults.conftest import assert_one_clear_error, run_mcugen

HELLO = "hello_world/hello_world_int8.tflite"


@pytest.fixture
def hello(shared_models, tmp_path):
    path = tmp_path / "work" / "hello.tflite"
    path.parent.mkdir()
    shutil.copyfile(shared_models / HELLO, path)
    return path


def _tree(path):
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


@pytest.mark.parametrize("command", ["build", "generate"])
def test_dash_o_dot_in_a_git_work_tree_is_refused_even_with_force(hello, command):
    work = hello.parent
    subprocess.run(["git", "init", "-q", str(work)], check=True)
    (work / "notes.md").write_text("mine\n")
    before = _tree(work)
    for extra in ([], ["--force"]):
        proc = run_mcugen(command, hello.name, "-o", ".", "--no-size" if command == "generate" else
                          "--no-compile", *extra, cwd=work)
        assert_one_clear_error(proc, 2, "refusing", str(work), "current directory")
        assert _tree(work) == before and (work / ".git" / "HEAD").is_file()


def test_dash_o_above_cwd_home_or_model_is_refused(hello, tmp_path):
    work = hello.parent
    inner = work / "sub"
    inner.mkdir()
    cases = [
        (inner, "..", "holds the current directory"),
        (inner, str(work), "holds the current directory"),
        (tmp_path, str(work), "model's folder"),  # the folder holding the model
    ]
    for cwd, out, why in cases:
        proc = run_mcugen("build", str(hello), "-o", out, "--no-compile", "--force", cwd=cwd)
        assert_one_clear_error(proc, 2, "refusing", why)
    home = tmp_path / "home"
    home.mkdir()
    proc = run_mcugen("build", str(hello), "-o", str(home), "--no-compile", "--force", cwd=tmp_path,
                      env={"HOME": str(home)})
    assert_one_clear_error(proc, 2, "refusing", "home directory")
    assert hello.is_file() and inner.is_dir()


@pytest.mark.parametrize("command", ["build", "generate"])
def test_a_folder_of_the_users_files_is_kept_unless_forced(hello, tmp_path, command):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work\n")
    args = [command, str(hello), "-o", str(out), "--no-size" if command == "generate" else "--no-compile"]
    proc = run_mcugen(*args, cwd=tmp_path)
    assert_one_clear_error(proc, 2, str(out), "not made by mcugen")
    assert "--force" in proc.stderr
    assert (out / "thesis.tex").read_text() == "years of work\n" and len(list(out.iterdir())) == 1
    # an mcugen output and an empty folder are replaced without asking
    proc = run_mcugen(*args, "--force", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert not (out / "thesis.tex").exists() and (out / "mcugen.json").is_file()
    assert json.loads((out / "mcugen.json").read_text())["mcugen_version"]
    assert run_mcugen(*args, cwd=tmp_path).returncode == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = run_mcugen(command, str(hello), "-o", str(empty), *args[4:], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    # nothing outside the output was touched or left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "mine", "work"]


def test_a_file_where_the_output_folder_goes_is_refused(hello, tmp_path):
    target = tmp_path / "fw"
    target.write_text("a file\n")
    proc = run_mcugen("build", str(hello), "-o", str(target), "--no-compile", "--force", cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr  # click's usage error names it
    assert f"'{target}' is a file" in proc.stderr, proc.stderr
    assert target.read_text() == "a file\n"


def _no_temporaries(folder):
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("args", [
    ("build", "{model}", "-o", "{fs}/fw"),
    ("build", "{model}", "-o", "{fs}/fw", "--no-compile"),
    ("generate", "{model}", "-o", "{fs}/lib", "--no-size"),
    ("plan", "{model}", "--plot", "{fs}/arena.svg", "--no-tflm"),
    ("plan", "{model}", "--tflm-offline", "{fs}/planned.tflite", "--no-tflm"),
    ("bench", "{model}", "--board", "mps2_an386", "--emulate", "-n", "2", "--json", "{fs}/b.json"),
    ("bench", "{model}", "--board", "mps2_an386", "--emulate", "-n", "2", "--report", "{fs}/b.html"),
], ids=["build", "build-no-compile", "generate", "plan-plot", "plan-offline", "bench-json", "bench-report"])
def test_read_only_file_system_is_one_clear_error(hello, small_tmpfs, tmp_path, args):
    fs = small_tmpfs(256, read_only=True)
    proc = run_mcugen(*(a.format(model=hello, fs=fs) for a in args), cwd=hello.parent)
    assert_one_clear_error(proc, 2, "cannot write", str(fs), "Read-only file system")
    assert list(fs.iterdir()) == []


@pytest.mark.parametrize("args", [
    ("build", "{model}", "-o", "{fs}/fw"),
    ("generate", "{model}", "-o", "{fs}/lib", "--no-size"),
    ("plan", "{model}", "--plot", "{fs}/arena.png", "--no-tflm"),
    ("bench", "{model}", "--board", "mps2_an386", "--emulate", "-n", "2", "--report", "{fs}/b.md"),
], ids=["build", "generate", "plan-plot", "bench-report"])
def test_full_file_system_is_one_clear_error_and_leaves_nothing(hello, small_tmpfs, args):
    fs = small_tmpfs(24)  # room for a few small files, not for a project or a chart
    filler = fs / "filler"
    with open(filler, "wb") as f:  # leave ~4 KiB: enough to start, not to finish
        f.write(b"\0" * (20 * 1024))
    proc = run_mcugen(*(a.format(model=hello, fs=fs) for a in args), cwd=hello.parent)
    assert_one_clear_error(proc, 2, "cannot write", str(fs), "No space left on device")
    assert sorted(p.name for p in fs.iterdir()) == ["filler"]


def test_output_folders_follow_the_umask(hello, tmp_path):
    for mask, want in ((0o022, 0o755), (0o002, 0o775)):
        out = tmp_path / f"fw{mask:o}"
        old = os.umask(mask)
        try:
            proc = run_mcugen("build", str(hello), "-o", str(out), "--no-compile", cwd=tmp_path)
        finally:
            os.umask(old)
        assert proc.returncode == 0, proc.stderr
        assert stat.S_IMODE(out.stat().st_mode) == want
        assert stat.S_IMODE((out / "mcugen.json").stat().st_mode) == want & 0o666


def test_an_emulated_project_can_be_moved_and_still_builds(hello, tmp_path):
    out = tmp_path / "fw"
    proc = run_mcugen("build", str(hello), "-o", str(out), "--board", "mps2_an386", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    ini = (out / "platformio.ini").read_text()
    assert "symlink://" not in ini and str(tmp_path) not in ini and "/work" not in ini
    moved = tmp_path / "elsewhere" / "fw"
    moved.parent.mkdir()
    out.rename(moved)
    shutil.rmtree(moved / ".pio")
    from mcugen.project import pio_offline

    built = subprocess.run([pio_offline.pio_executable(), "run", "-d", str(moved), "-e", "mps2_an386_selftest"],
                           env=pio_offline.pio_env(), capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout[-2000:]
    proc = run_mcugen("selftest", "--project", str(moved), cwd=tmp_path)
    assert proc.returncode == 0 and "PASS" in proc.stderr + proc.stdout, proc.stderr


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_compile_leaves_no_project(shared_models, tmp_path, sig):
    """Ctrl-C (or a kill) while `pio run` compiles: no project folder without firmware, no temporaries."""
    out = tmp_path / "fw"
    proc = subprocess.Popen([sys.executable, "-m", "mcugen", "--no-progress", "build",
                             str(shared_models / "vww/vww_96_int8.tflite"), "-o", str(out)],
                            cwd=tmp_path, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        for line in proc.stderr:
            if "] compile" in line:
                break
        else:
            pytest.fail("build ended before compiling")
        time.sleep(0.5)  # inside pio run
        proc.send_signal(sig)
        proc.wait(timeout=30)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == 128 + sig
    assert not out.exists() and list(tmp_path.iterdir()) == []
