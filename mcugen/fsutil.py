"""Outputs: written atomically, never over what mcugen did not make, and failing with one line.

A failed command never leaves a half-written file or directory behind; an existing output
directory is replaced only when it is empty or mcugen wrote it (it holds an mcugen manifest);
and an OS refusal to write (read-only file system, no permission, disk full) is an expected
error naming the path, not a bug.
"""
from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterable, Iterator

from mcugen.errors import OutputError

# Manifests mcugen writes into every output directory it makes; their presence (with an
# "mcugen_version" key) is what lets a later run replace the directory.
MANIFESTS = ("mcugen.json", "mcugen-micropython.json")

# errno values that mean "this place cannot be written", whatever the cause
WRITE_ERRNOS = frozenset({errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT,
                          errno.EFBIG, errno.ENOTDIR, errno.EISDIR, errno.ENAMETOOLONG})


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_error(exc: OSError, path: str | os.PathLike) -> OutputError:
    """The one-line error for an OS refusal to write `path`."""
    reason = exc.strerror or str(exc)
    return OutputError(f"cannot write {path}: {reason}",
                       hint=_WRITE_HINTS.get(exc.errno, "choose another output path"))


_WRITE_HINTS = {
    errno.ENOSPC: "free some space on that file system, or choose another output path",
    errno.EDQUOT: "free some space (disk quota exceeded), or choose another output path",
    errno.EROFS: "that file system is read-only: choose another output path",
    errno.EACCES: "no permission to write there: choose another output path",
    errno.EPERM: "no permission to write there: choose another output path",
}


def is_write_error(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in WRITE_ERRNOS


def atomic_write(path: str | os.PathLike, data: bytes | str) -> None:
    """Write `data` to `path` through a temporary file in the same directory, then rename."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise (write_error(exc, path) if is_write_error(exc) else exc) from exc
    mode = "wb" if isinstance(data, bytes) else "w"
    try:
        with os.fdopen(fd, mode) as f:
            f.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs get the usual permissions
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if is_write_error(exc):
            raise write_error(exc, path) from exc  # type: ignore[arg-type]
        raise


def check_writable_file(path: str | os.PathLike) -> None:
    """Before long work: can a file be created at `path`? (Its nearest existing folder must be a
    writable directory.) A full disk can still fail later; that is reported the same way."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a directory", hint="give a file name")
    _check_can_create(path)


def _check_can_create(path: Path) -> None:
    """`path` (file or folder) can be made: its nearest existing ancestor is a writable folder."""
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise OutputError(f"cannot write {path}: {parent} is not a directory", hint="choose another path")
    if not os.access(parent, os.W_OK | os.X_OK):
        reason = os.strerror(errno.EROFS if _read_only(parent) else errno.EACCES)
        raise OutputError(f"cannot write {path}: {reason}", hint="choose another output path")


def _read_only(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def is_mcugen_output(path: Path) -> bool:
    """Did mcugen make this directory? It holds one of mcugen's manifests."""
    for name in MANIFESTS:
        try:
            doc = json.loads((path / name).read_text())
        except (OSError, ValueError):
            continue
        if isinstance(doc, dict) and "mcugen_version" in doc:
            return True
    return False


def library_manifest(directory: Path, model_sha256: str, prefix: str, files: list[str],
                     models: list[dict] | None = None) -> None:
    """The manifest of a `mcugen generate` folder: what made it (so a rerun may replace it);
    a multi-model library lists its `models` (prefix, model_sha256) instead of one."""
    from mcugen import __version__

    doc = {"mcugen_version": __version__, "kind": "c-library",
           **({"models": models} if models else {"model_sha256": model_sha256, "prefix": prefix}),
           "files": sorted(files)}
    (directory / MANIFESTS[0]).write_text(json.dumps(doc, indent=2) + "\n")


def check_output_dir(path: str | os.PathLike, force: bool = False,
                     protect: Iterable[str | os.PathLike] = ()) -> Path:
    """Refuse an output directory mcugen must not replace; returns it resolved.

    Replaced: a missing or empty directory, or one mcugen made. Anything else needs `force`.
    Never, even with `force`: the current directory, the home directory, a folder holding one
    of `protect` (the model), or any folder above those.
    """
    out = Path(path).expanduser().resolve()
    guarded = [Path.cwd().resolve(), Path.home().resolve()]
    for p in protect:
        p = Path(p).expanduser().resolve()
        guarded.append(p if p.is_dir() else p.parent)
    for g in guarded:
        if out == g or out in g.parents:
            what = ("the current directory" if g == guarded[0] else "your home directory"
                    if g == guarded[1] else f"the model's folder {g}")
            where = "is" if out == g else "holds"
            raise OutputError(f"refusing to write the output into {out}: it {where} {what}",
                              hint="give -o a new folder, e.g. -o ./firmware_out")
    if not out.exists() and not out.is_symlink():
        _check_can_create(out)
        return out
    if not out.is_dir():
        raise OutputError(f"{out} exists and is not a directory",
                          hint="give -o a new folder, or remove that file yourself")
    try:
        empty = not any(out.iterdir())
    except OSError as exc:
        raise (write_error(exc, out) if is_write_error(exc) else exc) from exc
    if empty or is_mcugen_output(out) or force:
        _check_can_create(out)
        return out
    raise OutputError(f"{out} exists and was not made by mcugen (no {MANIFESTS[0]} in it); "
                      "refusing to replace it",
                      hint="use another -o, or --force to replace that folder and all it holds")


@contextlib.contextmanager
def atomic_output_dir(path: str | os.PathLike, force: bool = False,
                      protect: Iterable[str | os.PathLike] = ()) -> Iterator[Path]:
    """Yield a temporary directory beside `path`; on success it replaces `path` whole.

    `path` is checked first (check_output_dir). An existing `path` is only removed once the new
    one is complete, so an error (or Ctrl-C) leaves the old output untouched and no temporary
    directory behind. The new directory gets the usual permissions (umask), not mkdtemp's 0700.
    """
    protect = tuple(protect)
    path = check_output_dir(path, force, protect)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
        os.chmod(tmp, 0o777 & ~_umask())
    except OSError as exc:
        raise (write_error(exc, path) if is_write_error(exc) else exc) from exc
    try:
        yield tmp
        check_output_dir(path, force, protect)  # nothing new appeared there meanwhile
        if path.exists():
            old = path.with_name(f".{path.name}.old-{os.getpid()}")
            os.replace(path, old)
            os.replace(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, path)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if is_write_error(exc):
            raise write_error(exc, _final_name(getattr(exc, "filename", None), tmp, path)) from exc  # type: ignore[arg-type]
        raise


def _final_name(filename: str | None, tmp: Path, path: Path) -> Path:
    """Name a file being written in the temporary directory by its place in the final output."""
    if not filename:
        return path
    try:
        return path / Path(filename).relative_to(tmp)
    except ValueError:
        return Path(filename)
