"""The firmware `mcugen bench MODEL --emulate` builds for itself, cached by content.

Folders live in `./.mcugen/bench/<model>_<board>-<key>/`, where `key` hashes everything that
changes the build: the model's bytes, the board (every field of its definition), mcugen's version
and the bytes of mcugen's own sources, templates and C files (a development checkout changes
those without a new version), and which compiler the board uses. A folder is used only once it
holds the stamp file, written last; it is built under an exclusive lock (fcntl.flock on
`<folder>.lock`), so benches started together build it once and all use it, none ever sees half
a build, and a second bench of the same model starts at once.
"""
from __future__ import annotations

import fcntl
import functools
import hashlib
import shutil
from pathlib import Path
from typing import Sequence

from mcugen.boards import Board
from mcugen.report import Reporter

ROOT = Path(".mcugen") / "bench"
STAMP = ".mcugen-bench-complete"


# Parts of the mcugen package that cannot change a firmware build (the command line, the host
# side of the bench, MicroPython output, printing); everything else is hashed.
_NOT_BUILD = ("cli", "bench", "micropython", "report.py", "example.py", "procs.py")


@functools.lru_cache(maxsize=1)
def sources_digest() -> str:
    """sha256 of the files of the mcugen package that shape a build, and of the C library."""
    from mcugen.codegen import firmware_dir

    package = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for root in dict.fromkeys((package, firmware_dir().resolve())):  # firmware may be inside
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root)
            if (not path.is_file() or "__pycache__" in rel.parts or path.suffix == ".pyc"
                    or (root == package and rel.parts[0] in _NOT_BUILD)):
                continue
            h.update(str(rel).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def cache_key(model: bytes | Sequence[bytes], board: Board) -> str:
    from mcugen import __version__

    models = [model] if isinstance(model, bytes) else list(model)
    h = hashlib.sha256(b"mcugen bench build v1\0")
    compiler = shutil.which(f"{board.toolchain_prefix}gcc") or ""
    stat = Path(compiler).stat() if compiler else None
    for part in (__version__, repr(board), sources_digest(), compiler,
                 f"{stat.st_size}:{stat.st_mtime_ns}" if stat else ""):
        h.update(part.encode() + b"\0")
    for data in models:  # one model hashes as it always did
        h.update(hashlib.sha256(data).digest())
    return h.hexdigest()


def cached_build(model_path: str | Path | Sequence[str | Path], model: bytes | Sequence[bytes], board: Board,
                 rep: Reporter) -> Path:
    """The project folder with `model` (or several models in one firmware) built for `board`,
    building it first if needed."""
    from mcugen.project.api import build_models
    from mcugen.fsutil import atomic_write

    paths = [model_path] if isinstance(model_path, (str, Path)) else list(model_path)
    key = cache_key(model, board)
    out = ROOT / f"{'_'.join(Path(p).stem for p in paths)}_{board.name}-{key[:16]}"
    what = ", ".join(Path(p).name for p in paths)
    if (out / STAMP).is_file():
        rep.info(f"using the firmware built before in {out}")
        return out
    ROOT.mkdir(parents=True, exist_ok=True)
    with open(ROOT / f"{out.name}.lock", "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            rep.info(f"waiting for another mcugen building the same firmware in {out}")
            fcntl.flock(lock, fcntl.LOCK_EX)
        if (out / STAMP).is_file():  # the other one built it
            rep.info(f"using the firmware built before in {out}")
            return out
        rep.info(f"building {what} for {board.name} into {out}")
        build_models(paths, board.name, out, reporter=rep)
        atomic_write(out / STAMP, key + "\n")
    return out
