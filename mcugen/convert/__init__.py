"""convert stage: any supported model file -> int8 .tflite bytes + `ir.Graph` (see `api.convert_model`)."""
from mcugen.convert.api import ConvertResult, convert_model

__all__ = ["ConvertResult", "convert_model"]
