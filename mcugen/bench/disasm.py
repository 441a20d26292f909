"""The firmware's instructions, from `<prefix>objdump -d` of the ELF: what each address holds,
classified for the cycle estimate (mcugen.bench.timing), and the functions an inference runs.

    insns = disassemble(elf, "arm-none-eabi-")   # {address: Insn}
    classify("smlad", "r0, r1, r2, r0")          # Insn fields without the address
"""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from mcugen import procs
from mcugen.errors import ToolchainError

# The classes the estimate reports executed instructions in (per layer and per inference).
CLASSES = ("alu", "multiply", "divide", "load", "store", "load_multiple", "store_multiple",
           "branch", "fp", "system")

CONDITIONS = ("eq", "ne", "cs", "hs", "cc", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt",
              "gt", "le", "al")

_MULTIPLY = {"mul", "mla", "mls", "smull", "umull", "smlal", "umlal", "umaal", "smlad", "smladx",
             "smlsd", "smlsdx", "smuad", "smuadx", "smusd", "smusdx", "smlald", "smlaldx", "smlsld",
             "smlsldx", "smmul", "smmulr", "smmla", "smmlar", "smmls", "smmlsr", "usad8", "usada8"}
_MULTIPLY |= {f"smul{a}{b}" for a in "bt" for b in "bt"} | {f"smla{a}{b}" for a in "bt" for b in "bt"}
_MULTIPLY |= {f"smlal{a}{b}" for a in "bt" for b in "bt"} | {"smulwb", "smulwt", "smlawb", "smlawt"}
_DIVIDE = {"sdiv", "udiv"}
_LOAD = {"ldr", "ldrb", "ldrh", "ldrsb", "ldrsh", "ldrt", "ldrbt", "ldrht", "ldrsbt", "ldrsht",
         "ldrex", "ldrexb", "ldrexh"}
_STORE = {"str", "strb", "strh", "strt", "strbt", "strht", "strex", "strexb", "strexh"}
_LOAD_MULTIPLE = {"ldm", "ldmia", "ldmfd", "ldmdb", "ldmea", "pop"}
_STORE_MULTIPLE = {"stm", "stmia", "stmea", "stmdb", "stmfd", "push"}
_BRANCH = {"b", "bl", "bx", "blx", "cbz", "cbnz", "tbb", "tbh"}
_SYSTEM = {"svc", "bkpt", "wfi", "wfe", "sev", "cpsid", "cpsie", "mrs", "msr", "dmb", "dsb", "isb",
           "clrex", "udf", "yield"}
_ALU = {"adc", "add", "addw", "adr", "and", "asr", "bfc", "bfi", "bic", "clz", "cmn", "cmp", "eor",
        "it", "lsl", "lsr", "mov", "movw", "movt", "mvn", "neg", "nop", "orn", "orr", "rbit", "rev",
        "rev16", "revsh", "ror", "rrx", "rsb", "sbc", "sbfx", "sub", "subw", "teq", "tst", "ubfx",
        "ssat", "usat", "ssat16", "usat16", "sxtb", "sxth", "uxtb", "uxth", "sxtb16", "uxtb16",
        "sxtab", "sxtah", "uxtab", "uxtah", "sxtab16", "uxtab16", "pkhbt", "pkhtb", "sel",
        "qadd", "qsub", "qdadd", "qdsub", "cpy"}
# the parallel add/subtract family: [s|q|sh|u|uq|uh] x [add16|sub16|add8|sub8|asx|sax]
_ALU |= {p + op for p in ("s", "q", "sh", "u", "uq", "uh")
         for op in ("add16", "sub16", "add8", "sub8", "asx", "sax")}
_BASES = _MULTIPLY | _DIVIDE | _LOAD | _STORE | _LOAD_MULTIPLE | _STORE_MULTIPLE | _BRANCH | _SYSTEM | _ALU
_IT = re.compile(r"it[te]{0,3}$")

# FPv4/FPv5: (class, kind) by mnemonic without the data type; kinds are priced in cycle_tables.toml
_FP = {"vldr": "fp_load", "vstr": "fp_store", "vldm": "fp_multiple", "vldmia": "fp_multiple",
       "vldmdb": "fp_multiple", "vstm": "fp_multiple", "vstmia": "fp_multiple",
       "vstmdb": "fp_multiple", "vpush": "fp_multiple", "vpop": "fp_multiple",
       "vmla": "fp_mac", "vmls": "fp_mac", "vnmla": "fp_mac", "vnmls": "fp_mac", "vfma": "fp_mac",
       "vfms": "fp_mac", "vfnma": "fp_mac", "vfnms": "fp_mac", "vdiv": "fp_divide",
       "vsqrt": "fp_divide"}

_REG = re.compile(r"\b(r1[0-5]|r[0-9]|sp|lr|pc|ip|fp|sl|sb)\b")
_ALIAS = {"sb": "r9", "sl": "r10", "fp": "r11", "ip": "r12", "sp": "r13", "lr": "r14", "pc": "r15",
          "r13": "r13", "r14": "r14", "r15": "r15"}


@dataclass(frozen=True)
class Insn:
    size: int  # bytes: 2 or 4
    mnemonic: str  # base mnemonic: no condition, no .w/.n, no flag-setting s
    conditional: bool  # has a condition code (a conditional branch, or inside an IT block)
    cls: str  # one of CLASSES
    kind: str  # what cycle_tables.toml prices: alu, load, store, load_double, ..., fp_mac
    writes: frozenset[str]  # registers written (r0..r15; r15 = the pc: a branch)
    reads: frozenset[str]  # registers read, addresses included
    address_regs: frozenset[str]  # registers forming a load/store address
    nregs: int = 0  # registers moved by LDM/STM/PUSH/POP/VLDM/VSTM (or 2 for LDRD/STRD)

    @property
    def writes_pc(self) -> bool:
        return "r15" in self.writes


def split_mnemonic(mnem: str) -> tuple[str, bool]:
    """`ldrbne.w` -> ("ldrb", True), `movs` -> ("mov", False), `bls` -> ("b", True)."""
    m = mnem.lower().split(".")[0]
    if m in _BASES or _IT.match(m):
        return m, False
    for cond in CONDITIONS:  # condition before flag-setting: "bls" is b+ls, never bl+s
        if m.endswith(cond) and len(m) > 2:
            head = m[:-2]
            for base in (head, head[:-1] if head.endswith("s") else None):
                if base in _BASES:
                    return base, True
    if m.endswith("s") and m[:-1] in _BASES:
        return m[:-1], False
    return m, False


def _regs(text: str) -> list[str]:
    return [_ALIAS.get(r, r) for r in _REG.findall(text)]


def classify(mnemonic: str, operands: str, size: int = 4) -> Insn:
    """One instruction as objdump prints it (mnemonic and operands, comments dropped)."""
    mnem = mnemonic.lower()
    base, conditional = split_mnemonic(mnem)
    ops = operands.split("@")[0].split(";")[0].strip()
    regs = _regs(ops)
    inside = ops[ops.find("["):ops.find("]") + 1] if "[" in ops else ""
    address = frozenset(_regs(inside))
    writeback = "!" in ops or ("]" in ops and "," in ops[ops.find("]"):])
    listed = _regs(ops[ops.find("{"):ops.find("}") + 1]) if "{" in ops else []
    vbase = mnem.split(".")[0]
    if vbase.startswith("v"):
        kind = _FP.get(vbase, "fp")
        nregs = max(1, ops.count(",") + 1) if kind == "fp_multiple" else 0
        if kind == "fp_multiple" and "{" in ops:
            nregs = _count_fp_list(ops[ops.find("{") + 1:ops.find("}")])
        core_writes = frozenset(regs[:1]) if vbase == "vmov" and regs and ops.startswith("r") else frozenset()
        return Insn(size, vbase, False, "fp", kind, core_writes, frozenset(regs), address, nregs)
    if base in _LOAD:
        dest = regs[:1]
        writes = set(dest) | (set(_regs(inside)[:1]) if writeback else set())
        kind = "load_pc" if dest == ["r15"] else "load"
        return Insn(size, base, conditional, "load", kind, frozenset(writes), frozenset(regs[1:]),
                    address)
    if base in ("ldrd", "ldrexd"):
        writes = set(regs[:2]) | (set(_regs(inside)[:1]) if writeback else set())
        return Insn(size, base, conditional, "load", "load_double", frozenset(writes),
                    frozenset(regs[2:]), address, 2)
    if base in _STORE or base in ("strd", "strexd"):
        double = base in ("strd", "strexd")
        writes = set(_regs(inside)[:1]) if writeback else set()
        if base.startswith("strex"):
            writes.add(regs[0])
        return Insn(size, base, conditional, "store", "store_double" if double else "store",
                    frozenset(writes), frozenset(regs), address, 2 if double else 0)
    if base in _LOAD_MULTIPLE or base in _STORE_MULTIPLE:
        load = base in _LOAD_MULTIPLE
        stack = base in ("pop", "push")
        base_reg = set() if stack else set(regs[:1])
        writes = set(listed) if load else set()
        if stack or "!" in ops:
            writes.add("r13" if stack else regs[0])
        kind = ("load_multiple_pc" if "r15" in listed else "load_multiple") if load else "store_multiple"
        return Insn(size, base, conditional, "load_multiple" if load else "store_multiple", kind,
                    frozenset(writes), frozenset(base_reg | (set() if load else set(listed))),
                    frozenset(base_reg or {"r13"}), len(listed))
    if base in _BRANCH:
        kind = "table_branch" if base in ("tbb", "tbh") else "branch"
        writes = {"r15"} | ({"r14"} if base in ("bl", "blx") else set())
        return Insn(size, base, conditional or base in ("cbz", "cbnz"), "branch", kind,
                    frozenset(writes), frozenset(regs), address)
    if base in _MULTIPLY or base in _DIVIDE:
        long = base in ("smull", "umull", "smlal", "umlal", "umaal") or base.startswith("smlal")
        dests = regs[:2] if long else regs[:1]
        reads = set(regs[2:] if long else regs[1:]) | (set(dests) if long and "mla" in base or base == "umaal" else set())
        cls = "divide" if base in _DIVIDE else "multiply"
        return Insn(size, base, conditional, cls, cls, frozenset(dests), frozenset(reads), frozenset())
    if base in _SYSTEM:
        return Insn(size, base, conditional, "system", "system", frozenset(), frozenset(regs), frozenset())
    # data processing: compares and IT write only flags; everything else its first register
    flags_only = base in ("cmp", "cmn", "tst", "teq") or _IT.match(base) or base == "nop"
    writes = frozenset() if flags_only else frozenset(regs[:1])
    reads = frozenset(regs if flags_only else regs[1:])
    kind = "branch" if "r15" in writes else "alu"  # mov pc / add pc: a branch
    return Insn(size, base, conditional, "branch" if kind == "branch" else "alu", kind, writes,
                reads, frozenset())


def _count_fp_list(text: str) -> int:
    """`s16-s23` -> 8, `d8, d9` -> 2 (each double counts as two words)."""
    words = 0
    for part in text.split(","):
        part = part.strip()
        scale = 2 if part.startswith("d") else 1
        if "-" in part:
            lo, hi = (int(p.strip()[1:]) for p in part.split("-"))
            words += (hi - lo + 1) * scale
        elif part:
            words += scale
    return words


_LINE = re.compile(r"^\s*([0-9a-f]+):\t([0-9a-f ]+)\t(\S+)\t?(.*)$")


def parse_objdump(text: str) -> dict[int, Insn]:
    """{address: Insn} of every instruction objdump printed (data words skipped)."""
    insns: dict[int, Insn] = {}
    for line in text.splitlines():
        m = _LINE.match(line)
        if m is None or m.group(3).startswith("."):
            continue
        raw = m.group(2).split()
        size = sum(len(h) for h in raw) // 2
        insns[int(m.group(1), 16)] = classify(m.group(3), m.group(4), size)
    return insns


@dataclass(frozen=True)
class Function:
    name: str
    start: int
    size: int


@dataclass(frozen=True)
class Firmware:
    insns: dict[int, Insn]
    functions: dict[str, Function]
    branch_targets: dict[int, int]  # {address of a direct branch or call: its destination}
    # functions whose Thumb address is stored in the image (outside the vector table): what
    # calls through a pointer can reach, e.g. the walk a kernel's params name
    pointed_to: frozenset[str] = frozenset()

    def closure(self, roots: list[str]) -> set[str]:
        return call_closure(roots, self.functions, self.branch_targets)


VECTOR_TABLE = "mg_vectors"  # the boards' startup code: handlers, not calls an inference makes


def read_firmware(elf: str | Path, toolchain_prefix: str) -> Firmware:
    text = _tool(toolchain_prefix, "objdump", ["-d", str(elf)])
    nm = _tool(toolchain_prefix, "nm", ["-S", "--defined-only", str(elf)])
    contents = _tool(toolchain_prefix, "objdump", ["-s", str(elf)])
    functions = parse_nm(nm)
    return Firmware(parse_objdump(text), functions, branch_targets(text), pointed_to(contents, functions))


_CONTENTS_SECTION = re.compile(r"^Contents of section (\S+):$")
_CONTENTS_LINE = re.compile(r"^ ([0-9a-f]+) ((?:[0-9a-f]{2,8} ?){1,4})")


def pointed_to(objdump_contents: str, funcs: dict[str, Function]) -> frozenset[str]:
    """The functions whose address with the Thumb bit appears as an aligned word in the image's
    loaded sections (`objdump -s`), the vector table left out."""
    starts = {f.start: f.name for f in funcs.values()}
    vectors = funcs.get(VECTOR_TABLE)
    found: set[str] = set()
    loaded = False
    for line in objdump_contents.splitlines():
        head = _CONTENTS_SECTION.match(line)
        if head:
            loaded = not head.group(1).startswith((".debug", ".comment", ".ARM"))
            continue
        row = _CONTENTS_LINE.match(line) if loaded else None
        if row is None:
            continue
        address, data = int(row.group(1), 16), bytes.fromhex(row.group(2).replace(" ", ""))
        for at in range(-address % 4, len(data) - 3, 4):
            word = int.from_bytes(data[at:at + 4], "little")
            inside_vectors = vectors is not None and vectors.start <= address + at < vectors.start + vectors.size
            if word & 1 and (word & ~1) in starts and not inside_vectors:
                found.add(starts[word & ~1])
    return frozenset(found)


def parse_nm(out: str) -> dict[str, Function]:
    """The function symbols of `nm -S` with their sizes (Thumb bit cleared). Static functions of
    one name in several files (each kernel's `output_value`) are all kept: the later ones as
    `name@address`."""
    found: dict[str, Function] = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2] in "tTwW":
            start = int(parts[0], 16) & ~1
            name = parts[3]
            if name in found and found[name].start != start:
                name = f"{name}@{start:x}"
            found.setdefault(name, Function(name, start, int(parts[1], 16)))
    return found


def call_closure(roots: list[str], funcs: dict[str, Function], targets: dict[int, int]) -> set[str]:
    """Every function reachable from `roots` by direct calls and tail branches (`targets`:
    {branch address: destination}); what the trace has to show for an inference."""
    starts = {f.start: f.name for f in funcs.values()}
    seen, todo = set(), [r for r in roots if r in funcs]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        f = funcs[name]
        for addr in range(f.start, f.start + f.size, 2):
            dest = targets.get(addr)
            if dest is not None and dest in starts and starts[dest] not in seen:
                todo.append(starts[dest])
    return seen


_TARGET = re.compile(r"^\s*([0-9a-f]+):\t[0-9a-f ]+\t(?:b|bl|b\.[wn]|bl\.w|b[a-z]{2}(?:\.[wn])?|cbn?z)\t"
                     r"(?:r\d+, )?([0-9a-f]+) <", re.MULTILINE)


def branch_targets(objdump_text: str) -> dict[int, int]:
    return {int(a, 16): int(t, 16) for a, t in _TARGET.findall(objdump_text)}


def _tool(prefix: str, name: str, args: list[str]) -> str:
    tool = f"{prefix}{name}"
    try:
        return procs.run([tool, *args], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise ToolchainError(f"could not read the firmware with {tool}: {exc}",
                             hint="the board's toolchain must be installed (./dev setup)") from exc
