"""Benchmark inputs from a user's file: .npy / .npz arrays or raw .bin bytes, as model samples.

Integer data must already have the model input's dtype range; float data is quantized with the
input's scale and zero point (real = scale * (q - zero_point)), as the firmware expects, with one
warning saying which.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from mcugen.errors import CalibrationError
from mcugen.ir import DTYPES, Graph, Tensor


def load_samples(path: str | Path, graph: Graph,
                 warn: Callable[[str], None] | None = None) -> list[np.ndarray]:
    """The samples in `path` for the model's single input, each of the input's shape and dtype.
    `warn` is told once when float data is quantized, with the scale and zero point used."""
    path = Path(path)
    if len(graph.inputs) != 1:
        raise CalibrationError(f"{graph.name} has {len(graph.inputs)} inputs; --inputs takes "
                               "one-input models only", hint="leave out --inputs to bench random inputs")
    tensor = graph.tensor(graph.inputs[0])
    if not path.is_file():
        raise CalibrationError(f"input data {path} does not exist", hint="give a .npy, .npz or .bin file")
    try:
        if path.suffix == ".npy":
            data = np.load(path, allow_pickle=False)
        elif path.suffix == ".npz":
            with np.load(path, allow_pickle=False) as z:
                data = z[z.files[0]]
        else:
            data = np.frombuffer(path.read_bytes(), dtype=DTYPES[tensor.dtype][0])
    except (ValueError, OSError, IndexError) as exc:
        raise CalibrationError(f"cannot read input data {path}: {exc}",
                               hint="give a .npy, .npz or raw .bin file") from exc
    return _split(_to_input_dtype(data, tensor, path, warn), tensor, path)


def quantize(data: np.ndarray, scale: float, zero_point: int, dtype: np.dtype = np.dtype(np.int8)) -> np.ndarray:
    """Float -> integer input: round(x / scale) + zero_point (numpy's rounding, halves to even),
    saturated to `dtype`; +-inf saturate too and NaN gives the zero point (a plain cast of those
    would be undefined)."""
    info = np.iinfo(dtype)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        q = np.round(np.asarray(data) / float(scale)).astype(np.float64)  # in the data's own precision
    q = np.clip(np.nan_to_num(q, nan=0.0, posinf=info.max - info.min, neginf=info.min - info.max),
                info.min - info.max, info.max - info.min)
    return np.clip(q + int(zero_point), info.min, info.max).astype(dtype)


def _to_input_dtype(data: np.ndarray, tensor: Tensor, path: Path,
                    warn: Callable[[str], None] | None) -> np.ndarray:
    want = np.dtype(DTYPES[tensor.dtype][0])
    if data.dtype == want:
        return data
    if data.dtype.kind == "f" and want.kind in "iu":
        if tensor.quant is None:
            raise CalibrationError("float input data for an integer input without quantization")
        scale, zero_point = tensor.quant.scale, tensor.quant.zero_point
        if warn is not None:
            warn(f"{path.name} holds {data.dtype} values: quantized to the model input's {tensor.dtype.lower()} "
                 f"with scale {scale:.7g} and zero point {zero_point} (q = round(x / scale) + zero point, "
                 f"saturated); give {tensor.dtype.lower()} data to send it unchanged")
        return quantize(data, scale, zero_point, want)
    if data.dtype.kind in "iu" and want.kind in "iu":
        info = np.iinfo(want)
        if data.size and (data.min() < info.min or data.max() > info.max):
            raise CalibrationError(f"input values {data.min()}..{data.max()} do not fit {want}")
        return data.astype(want)
    return data.astype(want)


def _split(data: np.ndarray, tensor: Tensor, path: Path) -> list[np.ndarray]:
    per_sample = tensor.num_elements
    if data.size == 0 or data.size % per_sample:
        raise CalibrationError(
            f"{path.name} holds {data.size} values, not a multiple of the input's "
            f"{per_sample} ({'x'.join(map(str, tensor.shape))})",
            hint="one sample, or samples x input shape")
    flat = data.reshape(-1, per_sample)
    return [row.reshape(tensor.shape).copy() for row in flat]
