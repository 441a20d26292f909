"""A wheel is what `pip install mcugen` gives users: it must carry the C kernels, the board files,
the templates and the local PlatformIO platform, and the installed package must find them."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_carries_firmware_boards_and_templates(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(REPO)],
                   check=True, capture_output=True)
    wheel = next(tmp_path.glob("mcugen-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in (REPO / "firmware").rglob("*"):
        if path.is_file():
            assert f"mcugen/firmware/{path.relative_to(REPO / 'firmware').as_posix()}" in names
    for board in (REPO / "boards").glob("*.toml"):
        assert f"mcugen/board_files/{board.name}" in names
    for must in ("mcugen/templates/model.c.j2", "mcugen/project/pio_platform/platform.json",
                 "mcugen/project/templates/platformio.ini.j2", "mcugen/bench/cycle_tables.toml"):
        assert must in names

    # Installed from the wheel (dependencies borrowed from this environment), mcugen finds its
    # data inside the package, not in a checkout.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python3.*/site-packages"))
    deps = [p for p in sys.path if p.endswith("site-packages")]
    (site / "deps.pth").write_text("\n".join(deps) + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
                    "-q", "--no-deps", str(wheel)], check=True, capture_output=True)
    probe = ("import mcugen, mcugen.boards as b, mcugen.codegen as c; "
             "print(mcugen.__file__); print(b.BOARDS_DIR); print(c.firmware_dir()); "
             "print(len(b.list_boards()))")
    out = subprocess.run([str(venv / "bin" / "python"), "-c", probe], check=True, capture_output=True,
                         text=True, cwd=tmp_path).stdout.split()
    installed = Path(out[0]).parent
    assert installed.is_relative_to(site)
    assert Path(out[1]) == installed / "board_files" and Path(out[2]) == installed / "firmware"
    assert int(out[3]) == len(list((REPO / "boards").glob("*.toml")))
