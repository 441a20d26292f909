"""Fixtures shared by every test package. Add yours below; keep each one cheap or session-scoped."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parents[1]

# CI runs the same examples every time (a red CI then means the change, not the dice) and keeps
# no example database between runs; locally hypothesis explores new examples on every run.
settings.register_profile("ci", derandomize=True, deadline=None, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mcugen", "a connected board (runs the tests marked `device`)")
    group.addoption("--port", help="serial port of a connected board, e.g. /dev/ttyACM0 (with --board)")
    group.addoption("--board", help="that board's name, as `mcugen boards` lists it (with --port)")


def pytest_configure(config: pytest.Config) -> None:
    if bool(config.getoption("port")) != bool(config.getoption("board")):
        raise pytest.UsageError("--port and --board go together: a connected board's serial port and name")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("port"):
        return
    skip = pytest.mark.skip(reason="needs a connected board: pytest -m device --port PORT --board BOARD")
    for item in items:
        if item.get_closest_marker("device"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def shared_models() -> Path:
    """The real public models (MLPerf Tiny, hello_world) beside the repository: ../shared/models."""
    path = (REPO / ".." / "shared" / "models").resolve()
    assert path.is_dir(), f"{path} is missing: the tests need ../shared/models next to the repository"
    return path


@pytest.fixture(scope="session")
def session_tmp(tmp_path_factory: pytest.TempPathFactory):
    """`session_tmp("name")` -> a fresh directory that lives for the whole test session."""
    return lambda name: tmp_path_factory.mktemp(name)


@pytest.fixture(scope="session")
def example_files(session_tmp):
    """The example model, trained once per session (mcugen.example.make_example), with its data."""
    from mcugen.example import make_example

    return make_example(session_tmp("example"))
