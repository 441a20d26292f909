"""Calibration and validation samples: read from .npy / .npz / a folder of .npy, or made up.

Samples come back as float32 arrays shaped (N, *sample_shape), where sample_shape is the model
input without its batch axis. Files may hold many samples or just one, with or without the batch
axis, or flattened samples whose sizes match.
"""
from __future__ import annotations

import zipfile
from math import prod
from pathlib import Path
from typing import Sequence

import numpy as np

from mcugen.errors import CalibrationError

SYNTHETIC_SAMPLES = 32
_NPZ_KEYS = ("x", "inputs", "input", "data", "samples", "calibration", "validation")


def load_samples(path: str | Path, sample_shape: tuple[int, ...]) -> np.ndarray:
    """Read samples for a model input whose shape without batch axis is `sample_shape`."""
    path = Path(path)
    if not path.exists():
        raise CalibrationError(f"{path}: no such file or directory",
                               hint="give a .npy/.npz file or a folder of .npy files")
    if path.is_dir():
        files = sorted(path.glob("*.npy"))
        if not files:
            raise CalibrationError(f"{path}: no .npy files in the folder",
                                   hint="save each sample with numpy.save(name.npy, array)")
        arrays = [_fit(_read_npy(f), sample_shape, f) for f in files]
        return np.concatenate(arrays, axis=0)
    if path.suffix.lower() == ".npz":
        return _fit(_read_npz(path), sample_shape, path)
    if path.suffix.lower() == ".npy":
        return _fit(_read_npy(path), sample_shape, path)
    raise CalibrationError(f"{path}: calibration data must be .npy, .npz or a folder of .npy files")


def load_inputs(path: str | Path, inputs: Sequence[tuple[str, tuple[int, ...]]],
                what: str = "calibration") -> list[np.ndarray]:
    """Samples for every model input, in the order of `inputs` ((name, shape without batch) pairs).

    One input: anything `load_samples` reads (an .npz array may also be named after the input).
    Several inputs: an .npz with one array per input, named after the inputs or, as `np.savez`
    names positional arrays, `arr_0`, `arr_1`, ... in input order; every input the same count."""
    if len(inputs) == 1:
        name, shape = inputs[0]
        path = Path(path)
        if path.suffix.lower() == ".npz" and path.is_file():
            keys = _npz_keys(path)
            if name in keys and len(keys) > 1:
                return [_fit(_read_npz_key(path, name), shape, path)]
        return [load_samples(path, shape)]
    return _load_multi(Path(path), inputs, what)


def _describe(inputs: Sequence[tuple[str, tuple[int, ...]]]) -> str:
    return ", ".join(f"{name} {tuple(shape)}" for name, shape in inputs)


def _load_multi(path: Path, inputs: Sequence[tuple[str, tuple[int, ...]]], what: str) -> list[np.ndarray]:
    names = [name for name, _ in inputs]
    how = (f"np.savez(FILE.npz, {', '.join(f'{n}=...' for n in names)}) or, in input order, "
           f"np.savez(FILE.npz, {', '.join(f'x{k}' for k in range(len(names)))})")
    if not path.exists():
        raise CalibrationError(f"{path}: no such file", hint=f"give an .npz with one array per input: {how}")
    if path.suffix.lower() != ".npz" or not path.is_file():
        raise CalibrationError(f"{path}: the model has {len(inputs)} inputs ({_describe(inputs)}); "
                               f"{what} data for it is an .npz with one array per input",
                               hint=how)
    keys = _npz_keys(path)
    positional = [f"arr_{k}" for k in range(len(names))]
    if all(n in keys for n in names):
        chosen = names
    elif all(k in keys for k in positional):
        chosen = positional
    else:
        raise CalibrationError(f"{path}: holds arrays {', '.join(keys) or '(none)'}; the model's inputs are "
                               f"{_describe(inputs)}", hint=f"name the arrays after the inputs: {how}")
    arrays = [_fit(_read_npz_key(path, key), shape, Path(f"{path}[{key}]"))
              for key, (_, shape) in zip(chosen, inputs)]
    counts = {len(a) for a in arrays}
    if len(counts) > 1:
        raise CalibrationError(f"{path}: the inputs have different sample counts "
                               f"({', '.join(f'{k}: {len(a)}' for k, a in zip(chosen, arrays))})",
                               hint="give every input the same number of samples, sample k of each together")
    return arrays


def _npz_keys(path: Path) -> list[str]:
    try:
        with np.load(path, allow_pickle=False) as npz:
            return list(npz.files)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise CalibrationError(f"{path}: not a readable .npz archive ({exc})") from exc


def _read_npz_key(path: Path, key: str) -> np.ndarray:
    try:
        with np.load(path, allow_pickle=False) as npz:
            return npz[key]
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise CalibrationError(f"{path}: cannot read array {key!r} ({exc})",
                               hint="write it with numpy.savez; object arrays are not accepted") from exc


def synthetic_samples(sample_shape: tuple[int, ...], count: int = SYNTHETIC_SAMPLES,
                      seed: int = 0) -> np.ndarray:
    """Standard-normal samples: they only exercise the model, they say nothing about real inputs."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((count, *sample_shape)).astype(np.float32)


def _read_npy(path: Path) -> np.ndarray:
    try:
        return np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise CalibrationError(f"{path}: not a readable .npy array ({exc})",
                               hint="write it with numpy.save; object arrays are not accepted") from exc


def _read_npz(path: Path) -> np.ndarray:
    try:
        with np.load(path, allow_pickle=False) as npz:
            keys = list(npz.files)
            if len(keys) == 1:
                return npz[keys[0]]
            for key in _NPZ_KEYS:
                if key in keys:
                    return npz[key]
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise CalibrationError(f"{path}: not a readable .npz archive ({exc})") from exc
    raise CalibrationError(f"{path}: the .npz holds {len(keys)} arrays ({', '.join(keys)}); which are the inputs?",
                           hint=f"keep one array, or name it one of: {', '.join(_NPZ_KEYS)}")


def _fit(arr: np.ndarray, sample_shape: tuple[int, ...], path: Path) -> np.ndarray:
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise CalibrationError(f"{path}: array of {arr.dtype}, expected numbers")
    if arr.size == 0:
        raise CalibrationError(f"{path}: the array holds no samples (shape {tuple(arr.shape)})")
    size = prod(sample_shape)
    rank = len(sample_shape)
    if arr.ndim >= rank and tuple(arr.shape[arr.ndim - rank:]) == tuple(sample_shape) and arr.size > 0:
        out = arr.reshape(-1, *sample_shape)  # (N, *s), (*s), (N, 1, *s)
    elif arr.ndim >= 2 and prod(arr.shape[1:]) == size and arr.shape[0] > 0:
        out = arr.reshape(arr.shape[0], *sample_shape)  # flattened samples
    elif arr.size == size:
        out = arr.reshape(1, *sample_shape)
    else:
        raise CalibrationError(
            f"{path}: array of shape {tuple(arr.shape)} does not fit the model input {tuple(sample_shape)}",
            hint=f"expected (samples, {', '.join(str(d) for d in sample_shape)}) or one sample")
    out = out.astype(np.float32)
    if not np.all(np.isfinite(out)):
        raise CalibrationError(f"{path}: the samples contain NaN or infinite values")
    return out
