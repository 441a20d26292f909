"""The QEMU command line and process handling, and the offline PlatformIO set-up."""
from __future__ import annotations

import subprocess

import pytest

from mcugen.boards import load_board
from mcugen.project import pio_offline
from mcugen.qemu import connect, free_port, qemu_command, qemu_process
from mcugen.errors import ToolchainError


def test_qemu_command_is_deterministic_and_uses_semihosting():
    argv = qemu_command(load_board("riscv32_virt"), "fw.elf")
    assert argv[:3] == ["qemu-system-riscv32", "-M", "virt"] and "-bios" in argv
    assert argv[argv.index("-icount") + 1] == "shift=0,align=off,sleep=off"
    assert argv[argv.index("-semihosting-config") + 1] == "enable=on,target=native"
    assert argv[argv.index("-serial") + 1] == "stdio"
    tcp = qemu_command(load_board("mps2_an386"), "fw.elf", port=4321)
    assert tcp[tcp.index("-serial") + 1] == "tcp:127.0.0.1:4321,server=on,wait=on,nodelay=on"
    assert tcp[:3] == ["qemu-system-arm", "-M", "mps2-an386"]


def test_real_boards_are_not_emulated():
    with pytest.raises(ToolchainError, match="real board"):
        qemu_command(load_board("esp32"), "fw.elf")


def test_qemu_is_killed_when_the_block_fails(hello_builds):
    """The bench firmware serves forever; leaving the block by an exception must still end QEMU."""
    _, _, project = hello_builds("mps2_an386")
    elf = project / ".pio" / "build" / "mps2_an386" / "firmware.elf"
    port = free_port()
    with pytest.raises(RuntimeError, match="boom"):
        with qemu_process(load_board("mps2_an386"), elf, port=port,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as proc:
            with connect(port) as sock:
                sock.settimeout(5)
                assert sock.recv(1)  # the firmware announces itself once the host connects
            raise RuntimeError("boom")
    assert proc.poll() is not None


def test_offline_setup_is_idempotent(tmp_path, monkeypatch):
    monkeypatch.setenv("MCUGEN_PIO_CORE_DIR", str(tmp_path / "core"))
    assert not pio_offline.is_set_up()
    assert pio_offline.main(["--setup"]) == 0
    pkg = tmp_path / "core" / "packages" / "tool-scons"
    assert (pkg / "scons.py").is_file() and (pkg / ".piopm").is_file()
    stamp = (pkg / "package.json").stat().st_mtime_ns
    assert pio_offline.main(["--setup"]) == 0  # second run leaves it alone
    assert (pkg / "package.json").stat().st_mtime_ns == stamp
    env = pio_offline.pio_env({})
    assert env["PLATFORMIO_CORE_DIR"] == str(tmp_path / "core")
    assert env["PLATFORMIO_SETTING_CHECK_PLATFORMIO_INTERVAL"] == "36500"
    scons = subprocess.run([pio_offline.sys.executable, str(pkg / "scons.py"), "--version"],
                           capture_output=True, text=True)
    assert scons.returncode == 0 and "SCons" in scons.stdout


def test_vendor_platform_detection_follows_the_user_core_dir(tmp_path, monkeypatch):
    from mcugen.project import pio

    monkeypatch.setenv("PLATFORMIO_CORE_DIR", str(tmp_path))
    board = load_board("nucleo_f401re")
    assert not pio.platform_installed(board)
    (tmp_path / "platforms" / "ststm32@19.1.0").mkdir(parents=True)
    assert pio.platform_installed(board)
    assert not pio.platform_installed(load_board("esp32"))


def test_firmware_that_never_exits_times_out(hello_builds):
    """The bench firmware serves forever: run_elf must give up at its timeout and kill QEMU."""
    from mcugen.qemu import run_elf

    _, _, project = hello_builds("mps2_an386")
    result = run_elf(load_board("mps2_an386"), project / ".pio" / "build" / "mps2_an386" / "firmware.elf",
                     timeout=2)
    assert result.exit_status is None and not result.passed
    assert 2 <= result.seconds < 10
