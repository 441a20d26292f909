"""What kind of model a path holds, decided from its bytes (not trusted from its suffix alone).

No TensorFlow here: recognising a file must stay cheap, and an int8 .tflite never needs TF.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mcugen.errors import ModelLoadError

# source kinds, also reported to users and in ConvertResult.source_kind
TFLITE = "tflite"
KERAS_H5 = "keras-h5"  # HDF5 file written by Keras 3 or Keras 2 (tf_keras)
KERAS_ZIP = "keras"  # Keras 3 `.keras` archive
SAVED_MODEL = "savedmodel"

_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
_ZIP_MAGIC = b"PK\x03\x04"
_FORMATS_HINT = "mcugen reads .tflite (int8), Keras .h5 / .keras files and SavedModel directories"


@dataclass(frozen=True)
class ModelSource:
    path: Path
    kind: str

    @property
    def stem(self) -> str:
        """Name for derived files: `kws_ref_model` for both `kws_ref_model/` and `kws.tflite`'s `kws`."""
        return self.path.name if self.path.is_dir() else self.path.stem


def identify(path: str | Path) -> ModelSource:
    """Classify `path`, or raise ModelLoadError saying what is wrong with it."""
    path = Path(path)
    if not path.exists():
        raise ModelLoadError(f"{path}: no such file or directory", hint="check the model path")
    if path.is_dir():
        return ModelSource(path, _identify_dir(path))
    try:
        with path.open("rb") as f:
            head = f.read(16)
    except OSError as exc:
        raise ModelLoadError(f"{path}: cannot read ({exc.strerror})", hint="check the file's permissions") from exc
    if not head:
        raise ModelLoadError(f"{path}: the file is empty", hint=_FORMATS_HINT)
    if len(head) >= 8 and head[4:8] == b"TFL3":
        return ModelSource(path, TFLITE)
    if head.startswith(_HDF5_MAGIC):
        return ModelSource(path, KERAS_H5)
    if head.startswith(_ZIP_MAGIC) and path.suffix.lower() == ".keras":
        return ModelSource(path, KERAS_ZIP)
    suffix = path.suffix.lower()
    if suffix in (".tflite", ".h5", ".hdf5", ".keras"):
        raise ModelLoadError(f"{path}: not a valid {suffix} file (its header is wrong; corrupt or another format)",
                             hint="re-export the model, or check that the file was copied whole")
    raise ModelLoadError(f"{path}: unknown model format", hint=_FORMATS_HINT)


def _identify_dir(path: Path) -> str:
    if (path / "saved_model.pb").is_file() or (path / "saved_model.pbtxt").is_file():
        return SAVED_MODEL
    if not any(path.iterdir()):
        raise ModelLoadError(f"{path}: the directory is empty", hint=_FORMATS_HINT)
    raise ModelLoadError(f"{path}: a directory but not a SavedModel (no saved_model.pb in it)",
                         hint=_FORMATS_HINT)
