"""Fixtures shared by every test package. Add yours below; keep each one cheap or session-scoped."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


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
