"""The example model mcugen makes itself: a small keyword-spotting-like CNN on synthetic "MFCC" maps.

So that the demo and the tests need no downloaded file. The data is numpy only (seeded); the
Keras part lives in `mcugen.convert.keras_example`, the one place besides conversion that needs
TensorFlow.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mcugen.fsutil import atomic_write

INPUT_SHAPE = (49, 10, 1)  # frames x MFCC coefficients, like MLPerf Tiny KWS
CLASSES = ("silence", "low", "high", "sweep")
SEED = 1234


@dataclass(frozen=True)
class ExampleFiles:
    model: Path  # Keras 3 .keras file
    calibration: Path  # .npy, (64, 49, 10, 1) float32
    validation: Path  # .npy, (128, 49, 10, 1) float32
    validation_labels: Path  # .npy, (128,) int64 class indices
    train_accuracy: float


def synthetic_mfcc(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`count` labelled samples: noise plus a class pattern (band energy or a sweep) at a random time."""
    rng = np.random.default_rng(seed)
    frames, coeffs, _ = INPUT_SHAPE
    labels = rng.integers(0, len(CLASSES), size=count)
    x = rng.normal(0.0, 0.4, size=(count, frames, coeffs)).astype(np.float32)
    for n, label in enumerate(labels):
        start = int(rng.integers(0, frames - 20))
        strength = float(rng.uniform(1.5, 2.5))
        if label == 1:  # energy in the low coefficients
            x[n, start:start + 20, 0:3] += strength
        elif label == 2:  # energy in the high coefficients
            x[n, start:start + 20, 6:9] += strength
        elif label == 3:  # a rising sweep across coefficients
            for k in range(coeffs):
                x[n, start + 2 * k:start + 2 * k + 2, k] += strength
    return x[..., None], labels.astype(np.int64)


def make_example(out_dir: str | Path, epochs: int = 6) -> ExampleFiles:
    """Train the example model (a few seconds) and write it with its calibration/validation data."""
    from mcugen.convert.keras_example import train_and_save

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    x_train, y_train = synthetic_mfcc(768, SEED)
    x_cal, _ = synthetic_mfcc(64, SEED + 1)
    x_val, y_val = synthetic_mfcc(128, SEED + 2)
    files = ExampleFiles(out / "kws_example.keras", out / "calibration.npy", out / "validation.npy",
                         out / "validation_labels.npy", 0.0)
    accuracy = train_and_save(x_train, y_train, len(CLASSES), files.model, epochs=epochs, seed=SEED)
    for path, array in ((files.calibration, x_cal), (files.validation, x_val),
                        (files.validation_labels, y_val)):
        atomic_write(path, _npy_bytes(array))
    return ExampleFiles(files.model, files.calibration, files.validation, files.validation_labels, accuracy)


def _npy_bytes(array: np.ndarray) -> bytes:
    import io

    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=False)
    return buf.getvalue()
