"""Fixtures for build tests: real projects built once per session and reused."""
from __future__ import annotations

import pytest

from mcugen.cli import main


@pytest.fixture(scope="session")
def hello_builds(shared_models, session_tmp):
    """`hello_builds(board)` -> (exit status, stderr+stdout text, project dir) of
    `mcugen build hello_world --board B --run`, built once per board per session."""
    cache: dict[str, tuple[int, str, object]] = {}

    def get(board: str, capfd=None):
        if board not in cache:
            out = session_tmp(f"hello_{board}") / "project"
            status = main(["--no-progress", "build", str(shared_models / "hello_world/hello_world_int8.tflite"),
                           "--board", board, "-o", str(out), "--run"])
            text = capfd.readouterr() if capfd is not None else None
            cache[board] = (status, (text.out + text.err) if text else "", out)
        return cache[board]

    return get
