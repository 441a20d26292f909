import pytest

from .support import KernelLibrary


@pytest.fixture(scope="session")
def kernels(tmp_path_factory) -> KernelLibrary:
    """All C kernels, compiled once per test session with the sanitizers."""
    return KernelLibrary(tmp_path_factory.mktemp("kernels"))
