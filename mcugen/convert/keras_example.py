"""Build and train the example model (see mcugen.example) with Keras 3. Imports TensorFlow."""
from __future__ import annotations

import os
import tempfile
import warnings
from pathlib import Path

import numpy as np

from mcugen.convert.keras_convert import captured_native_output


def build_model(input_shape: tuple[int, ...], classes: int):  # noqa: ANN201 - a keras.Model
    """DS-CNN in miniature: the op mix of MLPerf Tiny KWS (CONV_2D, DEPTHWISE_CONV_2D, pools, FC,
    SOFTMAX) at a size that trains in seconds."""
    import keras
    from keras import layers

    inputs = keras.Input(input_shape, name="mfcc")
    x = layers.Conv2D(16, (5, 3), strides=(2, 2), padding="same", activation="relu")(inputs)  # 25x5x16
    x = layers.DepthwiseConv2D((3, 3), padding="same", activation="relu")(x)
    x = layers.Conv2D(24, (1, 1), activation="relu")(x)
    x = layers.MaxPooling2D((2, 1))(x)  # 12x5x24
    x = layers.DepthwiseConv2D((3, 3), padding="valid", activation="relu6")(x)  # 10x3x24
    x = layers.Conv2D(32, (1, 1), activation="relu")(x)
    x = layers.AveragePooling2D((10, 3))(x)  # 1x1x32
    x = layers.Flatten()(x)
    outputs = layers.Dense(classes, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="kws_example")


def train_and_save(x: np.ndarray, y: np.ndarray, classes: int, path: Path, epochs: int, seed: int) -> float:
    """Train on (x, y), save a .keras file at `path` atomically, return the final training accuracy."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    with captured_native_output(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Keras' numpy-2 deprecation notes while training
        import keras  # TensorFlow's import chatter goes to the capture, too

        keras.utils.set_random_seed(seed)
        model = build_model(tuple(x.shape[1:]), classes)
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        history = model.fit(x, y, batch_size=32, epochs=epochs, verbose=0, shuffle=True)
        path = Path(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".keras", dir=path.parent)
        os.close(fd)
        try:
            model.save(tmp)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return float(history.history["accuracy"][-1])
