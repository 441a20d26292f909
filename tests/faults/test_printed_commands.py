"""Every next-step command mcugen prints runs, as printed, with exit status 0: after `build`
(compiled and --no-compile), after `demo`, and the usual path of the top-level `--help`."""
from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import textwrap

import pytest

from tests.faults.conftest import run_mcugen


def printed_commands(text: str, header: str) -> list[str]:
    """The indented `mcugen ...` lines under `header`, comments and descriptions stripped."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.rstrip().endswith(header))
    commands = []
    for line in lines[start + 1:]:
        if not line.startswith("  "):
            break
        command = re.split(r"\s{3,}", line.strip())[0]  # a comment or description follows 3+ spaces
        if command.startswith("mcugen "):
            commands.append(command)
    assert commands, f"no commands under {header!r} in:\n{text}"
    return commands


def run_printed(command: str, cwd) -> subprocess.CompletedProcess:
    argv = shlex.split(command)
    assert argv[0] == "mcugen"
    return run_mcugen(*argv[1:], cwd=cwd)


def _run_all(commands: list[str], cwd) -> None:
    for command in commands:
        proc = run_printed(command, cwd)
        assert proc.returncode == 0, (command, proc.stdout[-2000:], proc.stderr[-2000:])


@pytest.mark.slow
def test_commands_printed_after_build_run(shared_models, tmp_path):
    model = tmp_path / "hello.tflite"
    shutil.copyfile(shared_models / "hello_world/hello_world_int8.tflite", model)
    for extra in ([], ["--no-compile"]):
        proc = run_mcugen("build", str(model), "--board", "mps2_an386", *extra, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        commands = printed_commands(proc.stderr, "Next:")
        if extra:  # not compiled: the one command compiles and runs the self-test, into the same -o
            assert len(commands) == 1 and "--run" in commands[0] and "-o" in commands[0]
            assert "connected" not in proc.stderr
        else:
            assert any(c.startswith("mcugen bench") for c in commands)
            assert any(c.startswith("mcugen selftest") for c in commands)
        _run_all(commands, tmp_path)


@pytest.mark.slow
def test_demo_and_the_commands_it_prints(tmp_path):
    """The README's first command (train, convert, plan, build, self-test and bench under QEMU),
    then what it suggests."""
    out = tmp_path / "demo"
    proc = run_mcugen("demo", "-o", str(out), cwd=tmp_path, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    bench = json.loads((out / "bench.json").read_text())
    assert bench["board"] == "mps2_an386" and bench["n"] == 20
    assert bench["outputs_match"] is True and bench["mismatches"] == 0
    assert bench["latency"]["unit"] == "instructions" and bench["latency"]["median"] > 0
    assert (out / "arena.svg").read_text().lstrip().startswith(("<?xml", "<svg"))
    assert (out / "firmware" / "platformio.ini").is_file()
    assert "<html" in (out / "bench.html").read_text().lower()
    _run_all(printed_commands(proc.stderr, "Next:"), tmp_path)


@pytest.mark.slow
def test_the_usual_path_of_the_help_runs(tmp_path):
    proc = run_mcugen("--help")
    assert proc.returncode == 0
    commands = printed_commands(proc.stdout, "`mcugen boards` lists the others):")
    models = {m for c in commands for m in re.findall(r"\S+\.(?:h5|keras|tflite)", c)}
    assert models == {"model.h5"}, commands
    # a small float Keras model of the user's, saved as .h5
    script = textwrap.dedent("""
        import sys, keras
        model = keras.Sequential([keras.Input((16,)), keras.layers.Dense(8, activation="relu"),
                                  keras.layers.Dense(3, activation="softmax")])
        model.save(sys.argv[1])
    """)
    subprocess.run([sys.executable, "-c", script, str(tmp_path / "model.h5")], check=True,
                   capture_output=True, timeout=300)
    _run_all(commands, tmp_path)
