"""Keras recurrent layers made convertible: unrolled over their (static) time axis.

TensorFlow's int8 converter crashes (SIGSEGV) quantizing the WHILE loop a Keras 3 LSTM, GRU or
SimpleRNN becomes, and on Keras 2 GRU and SimpleRNN. The same layers with `unroll=True` are
plain FULLY_CONNECTED / LOGISTIC / TANH / MUL / ADD steps, one per time step, which convert and
which tflite-micro and mcugen run. A Keras 2 (tf_keras) LSTM is left alone: the converter fuses
it into one UNIDIRECTIONAL_SEQUENCE_LSTM op.

Unrolling needs the sequence length fixed in the model's input shape; the model is exported with
batch 1 in any case (keras_convert). Runs in the TensorFlow child only.
"""
from __future__ import annotations

from typing import Any

# Keras 2 layers the converter handles as they are (fused into one TFLite op)
_FUSED_IN_KERAS2 = frozenset({"LSTM"})


def needs_unrolling(layer: Any, loader: str) -> list[str]:
    """The recurrent layers inside `layer` (itself, or wrapped: Bidirectional, TimeDistributed)
    that must be unrolled to convert, as their class names."""
    return _rolled(_config_of(layer), loader, type(layer).__name__)


def unrolled_model(keras_module: Any, model: Any, loader: str) -> tuple[Any, list[str]]:
    """`model` with every recurrent layer the converter cannot take unrolled, weights copied;
    and one note per such layer. The model itself when there is none."""
    notes: list[str] = []

    def clone(layer: Any) -> Any:
        found = needs_unrolling(layer, loader)
        if not found:
            return layer.__class__.from_config(layer.get_config())
        notes.append(f"{'/'.join(found)} layer '{layer.name}' is unrolled over the time axis with "
                     f"batch 1{_steps(layer)}: TensorFlow's int8 converter crashes on its loop")
        return layer.__class__.from_config(_with_unroll(layer.get_config(), loader, type(layer).__name__))

    if not any(needs_unrolling(layer, loader) for layer in model.layers):
        return model, notes
    # batch 1 in the model itself: with an open batch the initial states are zeros of a run-time
    # shape, which the converter leaves in float (SHAPE, PACK, float SPLIT)
    copy = keras_module.models.clone_model(model, input_tensors=_batch_one_inputs(keras_module, model),
                                           clone_function=clone)
    copy.set_weights(model.get_weights())
    return copy, notes


def _batch_one_inputs(keras_module: Any, model: Any) -> Any:
    """New inputs like the model's (same names, shapes and structure) with batch 1."""
    def like(tensor: Any) -> Any:
        name = getattr(tensor, "name", "").split(":")[0] or None
        return keras_module.Input(tuple(tensor.shape[1:]), batch_size=1, name=name, dtype=tensor.dtype)

    structure = getattr(model, "input", None)
    if isinstance(structure, dict):
        return {key: like(t) for key, t in structure.items()}
    if isinstance(structure, (list, tuple)):
        return [like(t) for t in structure]
    return like(structure)


def _steps(layer: Any) -> str:
    try:
        return f" ({int(layer.input.shape[1])} steps)"
    except (AttributeError, TypeError, IndexError, ValueError):  # several inputs, or no static length
        return ""


def _config_of(layer: Any) -> dict:
    try:
        return layer.get_config()
    except (NotImplementedError, TypeError):  # custom layers need not serialize
        return {}


def _rolled(config: Any, loader: str, class_name: str) -> list[str]:
    """Class names of the rolled recurrent layers in a (possibly nested) layer config."""
    found = []
    if isinstance(config, dict):
        if config.get("unroll") is False and not (loader == "keras2" and class_name in _FUSED_IN_KERAS2):
            found.append(class_name)
        for key, value in config.items():
            if isinstance(value, dict) and "config" in value:  # a nested layer: {"class_name", "config"}
                found += _rolled(value["config"], loader, value.get("class_name", key))
    return found


def _with_unroll(config: Any, loader: str, class_name: str) -> Any:
    """A copy of a layer config with `unroll` set on every rolled recurrent layer in it."""
    if not isinstance(config, dict):
        return config
    out = {}
    for key, value in config.items():
        if isinstance(value, dict) and "config" in value:
            value = {**value, "config": _with_unroll(value["config"], loader, value.get("class_name", key))}
        out[key] = value
    if out.get("unroll") is False and not (loader == "keras2" and class_name in _FUSED_IN_KERAS2):
        out["unroll"] = True
    return out
