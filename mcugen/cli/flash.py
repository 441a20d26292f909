"""`mcugen flash`: upload a built project's bench firmware to a real board with PlatformIO."""
from __future__ import annotations

import subprocess

import click

from mcugen import procs
from mcugen.errors import BoardError, DeviceError, ToolchainError

# PlatformIO's words for "there is no board on that port", lower-cased.
_NO_DEVICE = ("please specify `upload_port`", "no such file or directory", "could not open port",
              "no device found", "unable to open", "failed to connect", "no dfu capable usb device",
              "error: no st-link", "open failed")


@click.command("flash")
@click.option("--board", "board_name", help="Board name (see `mcugen boards`); defaults to the project's.")
@click.option("--port", help="Serial/upload port, e.g. /dev/ttyUSB0; PlatformIO looks for one if omitted.")
@click.option("--project", "project_dir", type=click.Path(file_okay=False), default=".", show_default=True,
              help="Project built by `mcugen build`.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=600, show_default=True,
              help="Seconds before giving up.")
@click.pass_obj
def command(state, board_name, port, project_dir, timeout):
    """Flash the benchmark firmware of a built project onto a connected board.

    Runs PlatformIO's upload for the project's bench environment (`pio run -t upload`). Then
    `mcugen bench --port PORT --project DIR` talks to the board.

    \b
    Examples:
      mcugen flash --board nucleo_l4r5zi --project out/kws
      mcugen flash --board esp32 --port /dev/ttyUSB0 --project out/kws

    Emulated boards are not flashed: `mcugen bench --emulate --project DIR` runs them in QEMU.
    Exit status 3 when the board or port is missing or busy.
    """
    import os

    from mcugen.bench import target
    from mcugen.bench.link import open_port
    from mcugen.project.pio import platform_installed, registry_reachable
    from mcugen.project.pio_offline import pio_executable

    rep = state.reporter
    project = target.read_project(project_dir)
    board = target.project_board(project, board_name)
    if board.emulated:
        raise BoardError(f"{board.name} is emulated: there is nothing to flash",
                         hint=f"run it in QEMU: mcugen bench --emulate --project {project.path}")
    if port:
        open_port(port, board.baud).close()  # missing or busy port: DeviceError now, not after a build
    if not platform_installed(board) and not registry_reachable():
        raise ToolchainError(f"PlatformIO's {board.pio_platform} platform is not installed and its "
                             "registry cannot be reached from here",
                             hint=f"on a machine with internet access and the board: "
                                  f"pio run -d {project.path} -e {project.bench_env} -t upload")
    cmd = [pio_executable(), "run", "-d", str(project.path), "-e", project.bench_env, "-t", "upload"]
    if port:
        cmd += ["--upload-port", port]
    rep.info(f"flashing {project.path.name} ({project.bench_env}) to {board.name}"
             + (f" on {port}" if port else ""))
    rep.debug(" ".join(cmd))
    try:
        proc = procs.run(cmd, env=dict(os.environ), capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise DeviceError(f"PlatformIO's upload did not finish in {timeout:g} s",
                          hint="is the board in bootloader mode or held in reset?") from exc
    log = proc.stdout + proc.stderr
    if proc.returncode == 0:
        rep.info(f"flashed {board.name}; next: mcugen bench --port {port or 'PORT'} --project {project.path}")
        return
    tail = "\n".join(log.strip().splitlines()[-15:])
    lower = log.lower()
    if "httpclienterror" in lower or "could not find the package" in lower or "unknown platform" in lower:
        raise ToolchainError(f"PlatformIO could not install the {board.pio_platform} platform "
                             f"(offline?):\n{tail}",
                             hint=f"on a machine with internet access run: {' '.join(cmd[1:])}")
    if any(marker in lower for marker in _NO_DEVICE):
        raise DeviceError(f"no {board.name} found to flash" + (f" on {port}" if port else "")
                          + f":\n{tail}",
                          hint="plug the board in (a data cable, not charge-only) and pass --port")
    raise ToolchainError(f"PlatformIO's upload failed (exit {proc.returncode}):\n{tail}",
                         hint=f"run it by hand to see everything: {' '.join(cmd[1:])}")
