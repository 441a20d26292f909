"""Running `pio run`, reading firmware sizes, and knowing when PlatformIO cannot build here.

Emulated boards build with mcugen's own offline core directory (see pio_offline). Real boards
build with the user's normal PlatformIO installation, which must have (or be able to download)
the vendor platform; when it can't, mcugen says exactly what to run on a connected machine.
"""
from __future__ import annotations

import os
import socket
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from mcugen import procs
from mcugen.boards import Board
from mcugen.build import pio_offline
from mcugen.errors import ToolchainError

REGISTRY_HOST = "api.registry.platformio.org"
LOG_TAIL_LINES = 30

# section name prefixes that occupy flash (.data is both: its initial values live in flash)
_FLASH_SECTIONS = (".text", ".rodata", ".srodata", ".ARM.exidx", ".data", ".sdata", ".vectors")
_RAM_SECTIONS = (".data", ".sdata", ".bss", ".sbss")


@dataclass(frozen=True)
class Sizes:
    flash: int  # text + rodata + initialised data
    ram_static: int  # data + bss (the arena is in bss)

    def ram_other(self, arena_bytes: int) -> int:
        return max(self.ram_static - arena_bytes, 0)


def elf_sizes(elf: Path, board: Board) -> Sizes:
    """Section sizes of `elf` by `<prefix>size -A`."""
    tool = f"{board.toolchain_prefix}size"
    try:
        out = procs.run([tool, "-A", "-d", str(elf)], capture_output=True, text=True,
                        check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise ToolchainError(f"could not read section sizes of {elf} with {tool}: {exc}") from exc
    flash = ram = 0
    for line in out.splitlines():
        parts = line.split()
        if len(parts) != 3 or not parts[1].isdigit():
            continue
        name, size = parts[0], int(parts[1])
        if name.startswith(_FLASH_SECTIONS):
            flash += size
        if name.startswith(_RAM_SECTIONS):
            ram += size
    return Sizes(flash, ram)


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
