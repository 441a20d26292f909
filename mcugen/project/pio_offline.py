"""PlatformIO without its registry: a private core directory, tool-scons built from PyPI's scons.

`pio run` needs one core package, tool-scons; PlatformIO normally downloads it. Here it is made
from the `scons` wheel installed beside mcugen (same SCons version PlatformIO pins) and installed
into a core directory that belongs to mcugen, so a user's own ~/.platformio is never touched.
Emulated boards build through the local platform shipped in `mcugen/project/pio_platform/`.

    python -m mcugen.project.pio_offline --setup     (idempotent; ./dev setup runs it)
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

from mcugen.errors import ToolchainError
from mcugen.report import Reporter

TOOL_SCONS_VERSION = "4.41101.0"  # what PlatformIO Core 6.1/6.2 asks for ("~4.41101.0")
PLATFORM_DIR = Path(__file__).resolve().parent / "pio_platform"


def core_dir() -> Path:
    """mcugen's own PLATFORMIO_CORE_DIR (override with MCUGEN_PIO_CORE_DIR)."""
    env = os.environ.get("MCUGEN_PIO_CORE_DIR")
    if env:
        return Path(env).expanduser().resolve()
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return (cache / "mcugen" / "platformio").resolve()


def pio_executable() -> str:
    """The `pio` next to this Python (the venv's), else one on PATH."""
    beside = Path(sys.executable).parent / "pio"
    if beside.exists():
        return str(beside)
    found = shutil.which("pio") or shutil.which("platformio")
    if not found:
        raise ToolchainError("PlatformIO Core (`pio`) is not installed",
                             hint="pip install platformio (./dev setup installs it)")
    return found


def pio_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for running `pio` offline and quietly in mcugen's core directory."""
    env = dict(os.environ if base is None else base)
    env.update({
        "PLATFORMIO_CORE_DIR": str(core_dir()),
        # without these, Core checks for upgrades weekly and reports telemetry: 60 s timeouts offline
        "PLATFORMIO_SETTING_CHECK_PLATFORMIO_INTERVAL": "36500",
        "PLATFORMIO_SETTING_ENABLE_TELEMETRY": "No",
        "PLATFORMIO_SETTING_CHECK_PRUNE_SYSTEM_THRESHOLD": "0",
        "PLATFORMIO_NO_ANSI": "true",
    })
    return env


def _scons_package_dir() -> Path:
    try:
        import SCons  # the PyPI wheel, a dependency of mcugen
    except ImportError as exc:
        raise ToolchainError("the `scons` Python package is missing",
                             hint="pip install scons==4.11.1 (./dev setup installs it)") from exc
    return Path(SCons.__file__).resolve().parent



def is_set_up() -> bool:
    installed = core_dir() / "packages" / "tool-scons"
    return (installed / "scons.py").is_file() and (installed / "SCons" / "Script").is_dir()


def _write_tool_scons(dest: Path) -> None:
    """Lay out a tool-scons package that PlatformIO accepts as its own (owner platformio)."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copytree(_scons_package_dir(), dest / "SCons",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (dest / "scons.py").write_text(
        "# Entry point PlatformIO runs: SCons from the PyPI wheel, laid out as tool-scons.\n"
        "import os\nimport sys\n\n"
        "sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))\n"
        "from SCons.Script.Main import main  # noqa: E402\n\n"
        "if __name__ == '__main__':\n    main()\n")
    manifest = {"name": "tool-scons", "version": TOOL_SCONS_VERSION,
                "description": "SCons from PyPI, packaged by mcugen for offline PlatformIO",
                "system": "*"}
    (dest / "package.json").write_text(json.dumps(manifest, indent=2))
    # Without .piopm naming the platformio owner, Core does not recognise the package and
    # goes to the registry anyway.
    piopm = {"type": "tool", "name": "tool-scons", "version": TOOL_SCONS_VERSION,
             "spec": {"owner": "platformio", "id": None, "name": "tool-scons",
                      "requirements": None, "uri": None}}
    (dest / ".piopm").write_text(json.dumps(piopm))


def setup(force: bool = False) -> Path:
    """Make mcugen's PlatformIO core directory usable offline; cheap when already done."""
    if is_set_up() and not force:
        return core_dir()
    core = core_dir()
    core.mkdir(parents=True, exist_ok=True)
    installed = core / "packages" / "tool-scons"
    _write_tool_scons(installed)
    if not is_set_up():
        raise ToolchainError(f"could not install tool-scons into {core}",
                             hint="delete that folder and run `python -m mcugen.project.pio_offline --setup`")
    return core


def platform_spec() -> str:
    """Where the shipped platform is installed from (a `symlink://` into this installation)."""
    return f"symlink://{PLATFORM_DIR}"


def platform_name() -> str:
    """How projects name the shipped platform (`platform = ...` in platformio.ini): by its name,
    registered in mcugen's core directory by ensure_platform, so a project holds no path of this
    machine and can be moved or shared."""
    return json.loads((PLATFORM_DIR / "platform.json").read_text())["name"]


def ensure_platform() -> None:
    """Register the shipped platform in the core directory before `pio run` needs it.

    `pio run` installs a `symlink://` platform on first use; two builds starting together (pytest
    workers, a user's parallel builds) would both install it and one can find it half-written.
    A lock makes the first install happen once; later calls only read the link file.
    """
    import fcntl
    import subprocess

    from mcugen import procs

    core = setup()
    link = core / "platforms" / "pio_platform.pio-link"
    with open(core / ".mcugen-platform.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if json.loads(link.read_text())["spec"]["uri"] == platform_spec():
                return
        except (OSError, ValueError, KeyError, TypeError):
            pass
        proc = procs.run([pio_executable(), "pkg", "install", "-g", "--platform", platform_spec()],
                         env=pio_env(), capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if proc.returncode != 0:
            raise ToolchainError("could not register mcugen's local PlatformIO platform:\n"
                                 + (proc.stdout + proc.stderr)[-2000:],
                                 hint=f"delete {core} and run `python -m mcugen.project.pio_offline --setup`")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mcugen.project.pio_offline", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--setup", action="store_true", help="install tool-scons into mcugen's core dir")
    parser.add_argument("--force", action="store_true", help="reinstall even when already set up")
    parser.add_argument("--print-core-dir", action="store_true", help="print the core directory")
    args = parser.parse_args(argv)
    rep = Reporter()
    if args.print_core_dir:
        rep.text(str(core_dir()))
    if args.setup:
        try:
            path = setup(force=args.force)
            ensure_platform()
        except ToolchainError as exc:
            rep.error(exc.message, exc.hint)
            return 2
        rep.info(f"PlatformIO core for mcugen ready in {path} (offline, tool-scons {TOOL_SCONS_VERSION})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
