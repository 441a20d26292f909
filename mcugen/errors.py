"""The one family of expected errors: each carries what went wrong and what to do about it.

The CLI turns these into `error: ...` / `hint: ...` and exit status 2 (3 for device errors, 4
when outputs differ from tflite-micro's);
anything else is a bug and gets a traceback.
"""
from __future__ import annotations


class McugenError(Exception):
    """An expected failure the user can act on."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class ModelLoadError(McugenError):
    """The model file is missing, unreadable, corrupt or of an unknown format."""


class UnsupportedModel(McugenError):
    """The model is readable but mcugen cannot take it (float tflite, several subgraphs, ...)."""


class UnsupportedOp(McugenError):
    """One or more operators have no mcugen kernel; all of them are listed at once."""

    def __init__(self, problems: list[str], supported: list[str], model: str = ""):
        self.problems = list(problems)
        self.supported = sorted(supported)
        lines = "; ".join(self.problems)
        super().__init__(
            f"{model + ': ' if model else ''}unsupported operator(s): {lines}",
            hint="mcugen supports: " + ", ".join(self.supported),
        )


class CalibrationError(McugenError):
    """Calibration or validation data is unreadable or does not fit the model's input."""


class ArenaError(McugenError):
    """The memory plan failed or did not verify."""


class BoardError(McugenError):
    """Unknown board, or the model does not fit the board."""


class OutputError(McugenError):
    """An output cannot be written there: not mcugen's to replace, or the OS refuses."""


class ToolchainError(McugenError):
    """A compiler, PlatformIO or QEMU is missing or failed."""


class DeviceError(McugenError):
    """The board (real or emulated) did not answer as expected."""

    exit_code = 3


class OutputsDiffer(McugenError):
    """The board ran, but some outputs differ from tflite-micro's: a result, with its own exit
    status (4) so scripts can tell it from usage, build (2) and board (3) errors."""

    exit_code = 4
