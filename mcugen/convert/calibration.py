"""Calibration and validation samples: read from .npy / .npz / a folder of .npy, or made up.

Samples come back as float32 arrays shaped (N, *sample_shape), where sample_shape is the model
input without its batch axis. Files may hold many samples or just one, with or without the batch
axis, or flattened samples whose sizes match.
"""
from __future__ import annotations

import zipfile
from math import prod
from pathlib import Path

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
