"""Running `pio run`, and knowing when PlatformIO cannot build here.

Emulated boards build with mcugen's own offline core directory (see pio_offline). Real boards
build with the user's normal PlatformIO installation, which must have (or be able to download)
the vendor platform; when it can't, mcugen says exactly what to run on a connected machine.
"""
from __future__ import annotations

import os
import socket
import subprocess
import threading
from pathlib import Path

from mcugen import procs
from mcugen.boards import Board
from mcugen.errors import ToolchainError
from mcugen.project import pio_offline

REGISTRY_HOST = "api.registry.platformio.org"
LOG_TAIL_LINES = 30


def run_pio(project_dir: Path, envs: list[str], log_path: Path, offline_core: bool = True,
            timeout: float = 600) -> None:
    """`pio run -e ENV ...` in `project_dir`; output to `log_path`; on failure the log's tail."""
    cmd = [pio_offline.pio_executable(), "run", "-d", str(project_dir)]
    for env in envs:
        cmd += ["-e", env]
    env_vars = pio_offline.pio_env() if offline_core else dict(os.environ)
    if offline_core:
        pio_offline.ensure_platform()  # registers the shipped platform by name
    with open(log_path, "w") as log:
        try:
            proc = procs.run(cmd, stdout=log, stderr=subprocess.STDOUT, env=env_vars,
                             timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            raise ToolchainError(f"`pio run` took longer than {timeout:g} s; log: {log_path}") from exc
    if proc.returncode != 0:
        tail = log_path.read_text(errors="replace").splitlines()[-LOG_TAIL_LINES:]
        raise ToolchainError("`pio run` failed:\n" + "\n".join(tail),
                             hint=f"full log: {log_path}")


def user_core_dir() -> Path:
    return Path(os.environ.get("PLATFORMIO_CORE_DIR", Path.home() / ".platformio"))


def platform_installed(board: Board) -> bool:
    """Is the vendor platform in the user's PlatformIO (folder `ststm32` or `ststm32@x.y.z`)?"""
    platforms = user_core_dir() / "platforms"
    return any(p.is_dir() for p in platforms.glob(f"{board.pio_platform}*")) if platforms.is_dir() else False


def registry_reachable(timeout: float = 3.0) -> bool:
    """Can PlatformIO's registry be reached within `timeout` (DNS included)? Offline machines
    otherwise make `pio run` hang about 60 s before failing."""
    result: list[bool] = []

    def probe() -> None:
        try:
            with socket.create_connection((REGISTRY_HOST, 443), timeout=timeout):
                result.append(True)
        except OSError:
            result.append(False)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(result and result[0])


def connected_machine_commands(project_dir: Path, board: Board) -> list[str]:
    return [f"cd {project_dir}",
            f"pio run -e {board.name}_selftest -t upload -t monitor   # self-test: prints PASS/FAIL",
            f"pio run -e {board.name} -t upload                      # benchmark firmware for `mcugen bench`"]
