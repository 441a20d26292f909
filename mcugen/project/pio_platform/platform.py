"""PlatformIO platform class for mcugen's emulated boards (no packages to download)."""
from platformio.public import PlatformBase


class McugenqemuPlatform(PlatformBase):
    pass
