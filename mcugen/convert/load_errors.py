"""Keras' load failures, said in a user's terms: what is in the file that cannot be loaded, and
what to do about it. Pure string work (no TensorFlow), so it is tested directly."""
from __future__ import annotations

import re
from pathlib import Path

from mcugen.errors import ModelLoadError

_TO_SAVED_MODEL = "a SavedModel keeps the model's computation without its Python code"


def first_sentence(text: str, limit: int = 240) -> str:
    """The first line's first sentence, or its first `limit` characters cut at a word, with '...'."""
    line = (text.strip().splitlines() or [""])[0].strip()
    end = re.search(r"[.!?](\s|$)", line)
    if end and end.end() <= limit:
        return line[:end.end()].strip()
    if len(line) <= limit:
        return line
    cut = line[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + " ..."


def keras_load_error(path: str | Path, exc: BaseException) -> ModelLoadError:
    """The ModelLoadError for Keras failing to load `path` with `exc`."""
    text = str(exc)
    if "Lambda" in text and ("safe_mode" in text or "arbitrary code" in text):
        return ModelLoadError(
            f"{path}: the model has a Lambda layer, whose Python code Keras stores as bytecode in the "
            f"file and refuses to run from a file it is not told to trust (Keras' safe mode)",
            hint="replace the Lambda layer with built-in Keras layers and save the model again; or, if you "
                 "trust the file, export it as a SavedModel (" + _TO_SAVED_MODEL + "): "
                 "`keras.models.load_model(PATH, safe_mode=False).export(\"DIR\")`, then `mcugen convert DIR`")
    custom = re.search(r"Could not locate (?:class|function) '([^']+)'|Unknown (?:layer|object)[^:]*: '([^']+)'",
                       text)
    if custom:
        name = (custom.group(1) or custom.group(2)).split(">")[-1]
        return ModelLoadError(
            f"{path}: the model uses {name}, a custom class that is not part of Keras; its Python code "
            f"is not in the file, so Keras cannot rebuild the model here",
            hint="where that class is defined, load the model and export it as a SavedModel ("
                 + _TO_SAVED_MODEL + "): `model.export(\"DIR\")`, then `mcugen convert DIR`")
    return ModelLoadError(f"{path}: Keras cannot load this model ({type(exc).__name__}: {first_sentence(text)})",
                          hint="check that the file is a whole Keras model saved with model.save() "
                               "(not weights only, not truncated)")
