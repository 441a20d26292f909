"""mcugen: trained network in, small fast bit-exact int8 firmware out, proven on the device."""

__version__ = "0.1.0"
