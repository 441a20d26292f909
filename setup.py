"""Packaging details pyproject.toml cannot express: the C kernel library (firmware/) and the
board files (boards/) live at the top of the repository, and wheels carry them inside the
package as mcugen/firmware and mcugen/board_files. Everything else is in pyproject.toml."""
from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["mcugen", "mcugen.*"]) + ["mcugen.firmware", "mcugen.board_files"],
    package_dir={"mcugen.firmware": "firmware", "mcugen.board_files": "boards"},
    package_data={
        "mcugen": ["templates/**/*", "project/templates/*", "project/pio_platform/**/*", "bench/*.toml"],
        "mcugen.firmware": ["**/*"],
        "mcugen.board_files": ["*.toml"],
    },
)
