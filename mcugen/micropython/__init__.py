"""MicroPython target: the generated model as a MicroPython module.

- `targets`  board -> natmod ARCH (and what its Makefile needs)
- `render`   pure rendering of the natmod Makefile, the USER_C_MODULES folder, bindings, bench.py
- `project`  `mcugen build --target micropython`: generate, write atomically, optionally `make`
- `mpbench`  `mcugen bench --micropython`: run bench.py on a board, check against tflite-micro
- `commands` the two CLI entry points (called by mcugen/cli/build.py and bench.py)
"""
