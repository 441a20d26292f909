"""The model's C, compiled as py/dynruntime.mk compiles a natmod, obeys the natmod rules.

No MicroPython tree is needed: the model library (model.c, weights, kernels) is compiled with each
ARCH's flags, and the objects are checked for what `tools/mpy_ld.py` rejects or miscompiles:
initialised writable data, static writable data, and calls outside the few C functions the
MicroPython firmware provides (memcpy, memset, memmove; libm cannot be linked).
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection

from mcugen.micropython.targets import ARCHES
from mcugen.project.isa_objects import compile_llvm

from .helpers import build_folder, build_models_folder

# the bindings need MicroPython's headers; everything else is the model library
BINDINGS = "_mpy.c"
PROVIDED_BY_FIRMWARE = {"memcpy", "memset", "memmove"}
CASES = [("hello_world", "unix"), ("ad", "nucleo_f401re"), ("ad", "esp32c3"), ("ad", "esp8266"), ("kws", "esp32"),
         ("keyword", "nucleo_f401re"),
         ("kws", "rpi_pico"),  # armv6m with the m0 kernels (their Thumb-1 loops, position-independent)
         pytest.param("kws", "mps2_an386", marks=pytest.mark.slow),
         pytest.param("ic", "esp32c3", marks=pytest.mark.slow),
         pytest.param("vww", "unix", marks=pytest.mark.slow),
         ("hello_world+ad", "nucleo_f401re")]  # several models in one module


def _compile(src: Path, obj: Path, arch) -> None:
    if arch.name == "xtensawin":  # no ESP32 GCC here: LLVM's Xtensa back end (no PIC; mpy_ld relocates)
        compile_llvm(src, obj, "esp32", ["-Os", "-DNDEBUG", "-fno-common", "-Wpointer-arith", "-Wdouble-promotion",
                                         "-Wfloat-conversion", f"-I{src.parent}"])
        return
    cc = arch.cross + "gcc"
    if arch.name == "x64" and shutil.which(cc) is None:
        cc = "gcc"
    # natmod flags, plus the warnings MicroPython's bare-metal ports (stm32, qemu) build user C
    # modules with: the same library goes into the firmware through USER_C_MODULES
    cmd = [cc, "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-DNDEBUG", "-fpic", "-fno-common",
           "-U_FORTIFY_SOURCE", "-Wpointer-arith", "-Wdouble-promotion", "-Wfloat-conversion",
           *arch.cflags, f"-I{src.parent}", "-c", str(src), "-o", str(obj)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr


def _writable(name: str) -> bool:
    return name.startswith((".data", ".sdata", ".bss", ".sbss")) and not name.startswith(".data.rel.ro")


@pytest.mark.parametrize("model,board", CASES)
def test_library_compiles_for_natmod_rules(model, board, tmp_path):
    several = model.split("+")
    project = (build_models_folder(several, board, tmp_path / "out") if len(several) > 1
               else build_folder(model, board, tmp_path / "out"))
    arch = project.target.arch
    natmod = tmp_path / "out/natmod"
    sources = [p for p in natmod.glob("*.c") if not p.name.endswith(BINDINGS)]
    files = ({"mg_models.c", *(f"{m}.c" for m in several), *(f"{m}_weights.c" for m in several)}
             if len(several) > 1 else {"model.c", "model_weights.c"})
    assert files <= {p.name for p in sources}
    defined, undefined = set(), set()
    for src in sources:
        obj = tmp_path / (src.stem + ".o")
        _compile(src, obj, arch)
        with obj.open("rb") as f:
            elf = ELFFile(f)
            for sec in elf.iter_sections():
                if sec.name.startswith((".data", ".sdata")) and _writable(sec.name):
                    assert sec["sh_size"] == 0, f"{src.name}: initialised writable data in {sec.name}"
            symtab = elf.get_section_by_name(".symtab")
            assert isinstance(symtab, SymbolTableSection)
            for sym in symtab.iter_symbols():
                shndx = sym["st_shndx"]
                if shndx == "SHN_UNDEF":
                    if sym.name:
                        undefined.add(sym.name)
                    continue
                if sym["st_info"]["bind"] != "STB_LOCAL" and sym.name:
                    defined.add(sym.name)
                if sym["st_info"]["type"] == "STT_OBJECT" and isinstance(shndx, int):
                    sec_name = elf.get_section(shndx).name
                    assert not (sym["st_info"]["bind"] == "STB_LOCAL" and _writable(sec_name)), \
                        f"{src.name}: static writable variable {sym.name} in {sec_name}"
    runtime = set()
    if "LINK_RUNTIME = 1" in arch.settings:  # dynruntime.mk links libgcc's helpers into the .mpy
        runtime = {name for name in undefined if name.startswith(("__aeabi_", "__gnu_"))}
    missing = undefined - defined - PROVIDED_BY_FIRMWARE - runtime - {"_GLOBAL_OFFSET_TABLE_"}
    assert not missing, f"natmods cannot link these: {sorted(missing)}"
    arena = "mg_models_arena" if len(several) > 1 else f"{project.module}_arena"
    assert arena in defined  # the arena is a non-static global, the one writable buffer


def test_every_natmod_arch_we_target_has_flags():
    for name, arch in ARCHES.items():
        assert arch.cross.endswith("-"), name
        if name != "xtensawin":  # dynruntime.mk adds no flags for it (LLVM compiles it here)
            assert arch.cflags, name
