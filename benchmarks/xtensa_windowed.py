"""LLVM's ESP32 code (clang-22 -> llc-22 -mcpu=esp32, windowed ABI) run on QEMU's windowed Xtensa
cores: the self-test firmware of each shared model, with the portable and the xtensa kernels, on
`-M sim -cpu de212` (windowed, loop option, MAC16) by default, instructions per inference from
ICOUNT. Neither de212 nor sample_controller has MUL32_HIGH (MULSH/MULUH), so the code is built
-mattr=-mul32high (a 64-bit product calls __muldi3): slower than on an ESP32, otherwise its ISA.

    .venv/bin/python benchmarks/xtensa_windowed.py [--models kws,ad] [--cpu de212] [--full-esp32]

No linker here relocates CALL8 between LLVM's objects (lld has no Xtensa; GNU ld for the LX106
rejects windowed relocations), so every source is linked as IR (llvm-link), internalized, compiled
to one assembly file, LLVM's misplaced literal pools moved in front of their code, assembled with
the reset code and vectors of xtensa_windowed/start.s, and placed by the LX106's ld (which then
only sees 32-bit data relocations).
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from shared_models import INT8_MODELS, MODELS  # noqa: E402

LIBC = "/usr/lib/xtensa-lx106-elf/include"
KEEP = "main_w,__muldi3,__udivsi3,__umodsi3,__divsi3,memcpy,memset"
LINKER_SCRIPT = """ENTRY(_reset)
MEMORY { ROM (rx) : ORIGIN = 0x50000000, LENGTH = 4M
         RAM (rwx) : ORIGIN = 0x60000000, LENGTH = 1M }
SECTIONS {
  .text : { *(.text .text.*) *(.rodata*) } > ROM
  .bss (NOLOAD) : { *(.bss*) *(COMMON) } > RAM
}
"""


def run(cmd: list[str]) -> str:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed:\n{proc.stderr[-2000:]}")
    return proc.stdout


def literals_in_front(asm: str) -> str:
    """llc puts a function's literal pool before the section switch that opens the function (in
    the previous function's section, unaligned): emit it after that switch, word-aligned, as
    labelled words (L32R reads backwards, so in front of the code is where it belongs)."""
    out, pending = [], []
    for line in asm.splitlines(keepends=True):
        s = line.strip()
        if s == ".literal_position":
            continue
        m = re.match(r"\.literal\s+([^,]+),\s*(.+)$", s)
        if m:
            pending.append(f"\t.p2align 2\n{m.group(1)}:\n\t.4byte {m.group(2)}\n")
            continue
        out.append(line)
        if pending and (s == ".text" or s.startswith((".section\t.text", ".section .text"))):
            out += pending
            pending = []
    assert not pending, pending
    return "".join(out)


def build_elf(project: Path, elf: Path, attrs: str, work: Path) -> None:
    sources = [*sorted((project / "src").glob("*.c")), *sorted((project / "src" / "app_selftest").glob("*.c")),
               HERE / "xtensa_windowed" / "glue.c", REPO / "firmware" / "boards" / "xtensa_sim" / "lx106_libgcc.c"]
    irs = []
    for src in sources:
        ir = work / f"{src.parent.name}_{src.stem}.ll"
        run(["clang-22", "--target=xtensa", "-std=c99", "-O2", "-ffreestanding", "-nostdlibinc", "-isystem", LIBC,
             f"-I{project / 'include'}", "-S", "-emit-llvm", str(src), "-o", str(ir)])
        irs.append(str(ir))
    run(["llvm-link-22", *irs, "-o", str(work / "all.bc")])
    run(["opt-22", "-passes=internalize", f"-internalize-public-api-list={KEEP}", str(work / "all.bc"),
         "-o", str(work / "internal.bc")])
    run(["llc-22", "-march=xtensa", "-mcpu=esp32", *([f"-mattr={attrs}"] if attrs else []), "-O2",
         "-filetype=asm", str(work / "internal.bc"), "-o", str(work / "all.s")])
    asm = (HERE / "xtensa_windowed" / "start.s").read_text() + literals_in_front((work / "all.s").read_text())
    (work / "firmware.s").write_text(asm)
    run(["llvm-mc-22", "-arch=xtensa", "-mcpu=esp32", "-filetype=obj", str(work / "firmware.s"),
         "-o", str(work / "firmware.o")])
    (work / "w.ld").write_text(LINKER_SCRIPT)
    run(["xtensa-lx106-elf-ld", "-T", str(work / "w.ld"), str(work / "firmware.o"), "-o", str(elf)])


def run_elf(elf: Path, cpu: str) -> tuple[int | None, str]:
    cmd = ["qemu-system-xtensa", "-M", "sim", "-cpu", cpu, "-nographic", "-monitor", "none", "-serial", "none",
           "-semihosting-config", "enable=on,target=native", "-icount", "shift=0,align=off,sleep=off",
           "-kernel", str(elf)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None, "timeout"
    return proc.returncode, proc.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", default=",".join(INT8_MODELS))
    ap.add_argument("--cpu", default="de212", help="QEMU -cpu with windowed registers: de212, sample_controller")
    ap.add_argument("--full-esp32", action="store_true", help="keep MUL32_HIGH (these cores lack it: faults)")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(REPO))
    from mcugen.boards import BOARDS_DIR
    from mcugen.project.api import build

    attrs = "" if args.full_esp32 else "-mul32high"
    rows = []
    with tempfile.TemporaryDirectory(prefix="mcugen-windowed-") as tmp:
        boards = Path(tmp) / "boards"  # the xtensa_lx106_sim project files, portable kernels too
        boards.mkdir()
        text = (BOARDS_DIR / "xtensa_lx106_sim.toml").read_text()
        (boards / "windowed_portable.toml").write_text(
            text.replace('name = "xtensa_lx106_sim"', 'name = "windowed_portable"')
            .replace('kernel_variant = "xtensa"', 'kernel_variant = "portable"'))
        os.environ["MCUGEN_BOARD_PATH"] = str(boards)
        for name in args.models.split(","):
            for variant, board in (("portable", "windowed_portable"), ("xtensa", "xtensa_lx106_sim")):
                project = Path(tmp) / f"{name}_{variant}"
                build(MODELS / INT8_MODELS[name], board, project, compile_mode="no")
                work = Path(tmp) / f"{name}_{variant}_llvm"
                work.mkdir()
                elf = work / "firmware.elf"
                build_elf(project, elf, attrs, work)
                status, console = run_elf(elf, args.cpu)
                m = re.search(r"PASS (\d+)/(\d+).*?; (\d+) ticks per inference", console)
                result = (f"PASS {m.group(1)}/{m.group(2)}, {int(m.group(3)):,} instructions" if m and status == 0
                          else f"exit {status}: {console[-80:] or '(no output)'}")
                print(f"{name:<12} {variant:<9} -cpu {args.cpu}: {result}", flush=True)
                rows.append(status == 0 and m is not None)
    return 0 if all(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
