"""SCons builder of mcugen's local PlatformIO platform: system GCC in, firmware ELF out.

Targets: the default builds `firmware.elf` and checks its size against the board; `upload` runs
it under QEMU (the serial console on this terminal, exit status from the firmware).
"""
import os
import shlex

from SCons.Script import Default, DefaultEnvironment

env = DefaultEnvironment()
board = env.BoardConfig()

prefix = board.get("build.toolchain_prefix")
cpu_flags = shlex.split(board.get("build.cpu_flags", ""))
link_flags = shlex.split(board.get("build.link_flags", ""))

env.Replace(
    AR=prefix + "gcc-ar",
    AS=prefix + "gcc",
    CC=prefix + "gcc",
    CXX=prefix + "g++",
    LINK=prefix + "gcc",
    RANLIB=prefix + "gcc-ranlib",
    OBJCOPY=prefix + "objcopy",
    SIZETOOL=prefix + "size",
    ARFLAGS=["rc"],
    PROGNAME="firmware",
    PROGSUFFIX=".elf",
    SIZEPROGREGEXP=r"^(?:\.text|\.data|\.rodata|\.ARM\.exidx|\.srodata)\s+(\d+).*",
    SIZEDATAREGEXP=r"^(?:\.data|\.bss|\.sdata|\.sbss)\s+(\d+).*",
    SIZECHECKCMD="$SIZETOOL -A -d $SOURCES",
    SIZEPRINTCMD="$SIZETOOL -B -d $SOURCES",
)
env.Append(
    ASFLAGS=cpu_flags,
    ASPPFLAGS=["-x", "assembler-with-cpp"],  # Core adds CCFLAGS (the CPU flags) to .S builds
    CCFLAGS=cpu_flags + ["-ffunction-sections", "-fdata-sections"],
    LINKFLAGS=cpu_flags + ["-Wl,--gc-sections"] + link_flags,
)
if env.get("LDSCRIPT_PATH"):
    # the board's script INCLUDEs shared pieces that sit beside it
    ldscript = env.subst("$LDSCRIPT_PATH")
    if not os.path.isabs(ldscript):
        ldscript = os.path.join(env.subst("$PROJECT_DIR"), ldscript)
    env.Replace(LDSCRIPT_PATH=ldscript)
    env.Append(LIBPATH=[os.path.dirname(ldscript)])

target_elf = env.BuildProgram()
target_size = env.AddPlatformTarget(
    "size", target_elf, env.VerboseAction("$SIZEPRINTCMD", "Program Size"), "Program Size")

qemu = shlex.split(board.get("upload.qemu_command", ""))
env.AddPlatformTarget(
    "upload", target_elf,
    env.VerboseAction(" ".join(shlex.quote(a) for a in qemu) + " -kernel $SOURCE",
                      "Running $SOURCE under QEMU"),
    "Run under QEMU")

Default([target_elf, target_size])
