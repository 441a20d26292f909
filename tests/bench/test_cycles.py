"""The cycle estimate's parts on hand-made inputs with counts worked out by hand: the instruction
classifier, the Cortex-M4/M7 block prices, the QEMU trace parser, and a tiny assembly program run
under QEMU whose executed instructions and estimated cycles are predicted exactly."""
from __future__ import annotations

import shutil
import subprocess
import textwrap

import pytest

from mcugen.bench.disasm import (CLASSES, Function, branch_targets, call_closure, classify, read_firmware,
                                 split_mnemonic)
from mcugen.bench.estimate import estimate, traced_functions
from mcugen.bench.timing import block_cost, core_timing, flash_timing
from mcugen.bench.trace import TraceError, TraceParser, TraceReader
from mcugen.boards import load_board
from mcugen.errors import McugenError
from mcugen.qemu import qemu_command

M4 = core_timing("cortex-m4")
M7 = core_timing("cortex-m7")


@pytest.mark.parametrize("mnemonic, base, conditional", [
    ("bls", "b", True), ("bl", "bl", False), ("movs", "mov", False), ("bics", "bic", False),
    ("ldrbne.w", "ldrb", True), ("lsls", "lsl", False), ("smlad", "smlad", False),
    ("addlt", "add", True), ("itete", "itete", False), ("smlals", "smlal", False),
])
def test_mnemonics_split_into_base_and_condition(mnemonic, base, conditional):
    assert split_mnemonic(mnemonic) == (base, conditional)


@pytest.mark.parametrize("mnemonic, operands, cls, kind, nregs", [
    ("ldr", "r0, [r3, #36]", "load", "load", 0),
    ("ldr.w", "pc, [sp], #4", "load", "load_pc", 0),
    ("ldrd", "r2, r3, [r0, #8]", "load", "load_double", 2),
    ("strb.w", "r3, [r0], #1", "store", "store", 0),
    ("pop", "{r4, r5, r6, pc}", "load_multiple", "load_multiple_pc", 4),
    ("push", "{r4, r5, lr}", "store_multiple", "store_multiple", 3),
    ("smlad", "r0, r1, r2, r0", "multiply", "multiply", 0),
    ("smlal", "r2, r3, r0, r1", "multiply", "multiply", 0),
    ("sdiv", "r0, r1, r2", "divide", "divide", 0),
    ("sxtb16", "r1, r2, ror #8", "alu", "alu", 0),
    ("ssat", "r0, #8, r0", "alu", "alu", 0),
    ("tbh", "[pc, r3, lsl #1]", "branch", "table_branch", 0),
    ("bne.n", "8000abc <f+0x10>", "branch", "branch", 0),
    ("mov", "pc, lr", "branch", "branch", 0),
    ("vmla.f32", "s0, s1, s2", "fp", "fp_mac", 0),
    ("vpush", "{s16-s23}", "fp", "fp_multiple", 8),
])
def test_instructions_are_classified(mnemonic, operands, cls, kind, nregs):
    insn = classify(mnemonic, operands)
    assert (insn.cls, insn.kind, insn.nregs) == (cls, kind, nregs)


def test_writeback_and_pc_writes_are_seen():
    assert classify("ldr.w", "r2, [r1], #4").writes == {"r2", "r1"}
    assert classify("ldr", "r2, [r1, #4]").writes == {"r2"}
    assert classify("ldr", "r2, [r1, #4]").address_regs == {"r1"}
    assert classify("bl", "8000b88 <f>").writes_pc and not classify("cmp", "r0, #1").writes


def test_direct_branch_targets_and_call_closure():
    text = (" 8000100:\te7fe      \tb.n\t8000200 <g>\n"
            " 8000102:\tf000 f801 \tbl\t8000300 <h>\n"
            " 8000106:\td1fb      \tbne.n\t8000100 <f>\n"
            " 8000108:\tb10b      \tcbz\tr3, 8000110 <f+0x10>\n"
            " 8000200:\t4770      \tbx\tlr\n")
    targets = branch_targets(text)
    assert targets == {0x8000100: 0x8000200, 0x8000102: 0x8000300, 0x8000106: 0x8000100,
                       0x8000108: 0x8000110}
    funcs = {name: Function(name, start, 0x20) for name, start in
             (("f", 0x8000100), ("g", 0x8000200), ("h", 0x8000300), ("unused", 0x8000400))}
    assert call_closure(["f"], funcs, targets) == {"f", "g", "h"}  # tail branch and call


def _block(*lines: str):
    return [classify(*line.split(None, 1)) if " " in line else classify(line, "") for line in lines]


def test_m4_block_prices_follow_the_trm():
    # LDR 2, a second independent LDR pipelines to 1, ADD 1, STR 1, SUBS 1, BNE 1 (+P=2 taken)
    loop = _block("ldr r0, [r1]", "ldr r2, [r1, #4]", "add r0, r0, r2", "str r0, [r1, #8]",
                  "subs r4, #1", "bne 8000010 <loop>")
    assert block_cost(loop, M4) == (7, 2)
    # the second load's address is the first one's result: no pipelining
    assert block_cost(_block("ldr r0, [r1]", "ldr r2, [r0]"), M4) == (4, 0)
    # an LDR after a STR is not pipelined either ("nothing can be pipelined after the store")
    assert block_cost(_block("str r3, [r1]", "ldr r2, [r1]"), M4) == (3, 0)
    assert block_cost(_block("push {r4, r5, r6, r7, lr}"), M4) == (6, 0)  # 1 + N
    assert block_cost(_block("pop {r4, pc}"), M4) == (3, 2)  # 1 + N (+ P)
    assert block_cost(_block("ldrd r2, r3, [r0]", "smlad r4, r2, r3, r4", "sdiv r0, r1, r2"), M4) == (11, 0)
    assert block_cost(_block("vldr s0, [r0]", "vmla.f32 s1, s0, s2", "vdiv.f32 s3, s1, s2"), M4) == (19, 0)


def test_m7_dual_issues_only_independent_pairs():
    assert block_cost(_block("add r0, r1, r2", "add r3, r4, r5"), M7) == (1, 0)
    assert block_cost(_block("add r0, r1, r2", "add r3, r0, r5"), M7) == (2, 0)  # dependent
    assert block_cost(_block("ldr r0, [r1]", "ldr r2, [r3]"), M7) == (2, 0)  # one memory port
    assert block_cost(_block("smlad r0, r1, r2, r0", "smlad r3, r4, r5, r3"), M7) == (2, 0)  # one MAC
    assert block_cost(_block("ldr r0, [r1]", "smlad r3, r4, r5, r3"), M7) == (1, 0)
    assert M7.approximate and not M4.approximate


def test_cores_without_a_table_are_refused():
    with pytest.raises(McugenError, match="no cycle table for cortex-m55"):
        core_timing("cortex-m55")


def test_flash_models():
    assert flash_timing(5, "ART").taken_branch_penalty == 0 and flash_timing(5, "ART").worst_case_penalty == 5
    assert flash_timing(3, "none").taken_branch_penalty == 3
    assert flash_timing(0, "none").taken_branch_penalty == 0


LOG = b"""\
----------------
IN: f
0x08000100:  4815       ldr      r0, [pc, #0x54]
0x08000102:  d207       bhs      #0x8000114

Trace 0: 0x7f0000000100 [00800408/08000100/00000110/ff020200] f
----------------
IN: g
0x08000114:  f04f 4380  mov.w    r3, #0x40000000
0x08000118:  6a58       ldr      r0, [r3, #0x24]
0x0800011a:  4770       bx       lr

Trace 0: 0x7f0000000400 [00800408/08000114/00000110/ff020200] g
cpu_io_recompile: rewound execution of TB to 08000118
Trace 0: 0x7f0000000100 [00800408/08000100/00000110/ff020200] f
Stopped execution of TB chain before 0x7f0000000100 [08000100] f
Trace 0: 0x7f0000000100 [00800408/08000100/00000110/ff020200] f
Trace 0: 0x7f0000000400 [00800408/08000114/00000110/ff020200] g
"""


def test_trace_parser_follows_rewinds_and_stops():
    parser = TraceParser()
    parser.feed(LOG.splitlines(keepends=True))
    # f, g cut after its first instruction, f (the stopped run dropped), g whole
    assert [parser.blocks[b] for b in parser.seq] == [
        (0x08000100, 0x08000102), (0x08000114,), (0x08000100, 0x08000102),
        (0x08000114, 0x08000118, 0x0800011a)]


def test_trace_parser_refuses_a_block_it_never_saw():
    with pytest.raises(TraceError, match="never showed"):
        TraceParser().feed([b"Trace 0: 0x7f00 [00800408/08000100/00000110/ff020200] f\n"])


# A bench firmware in miniature: counter reads around an "invoke" whose one layer is a loop of
# 100 iterations of 6 instructions (QEMU netduinoplus2: flash at 0x08000000, SRAM at 0x20000000).
PROGRAM = """\
    .syntax unified
    .cpu cortex-m4
    .thumb
    .section .vectors, "a"
    .word 0x20001000
    .word reset
    .text
    .thumb_func
    .global reset
    .type reset, %function
reset:
    ldr r1, =0x20000000
    bl mg_board_counter_read
    bl test_invoke
    bl mg_board_counter_read
    movs r0, #0x18
    ldr r1, =0x20026
    bkpt 0xab
    .size reset, . - reset
    .pool
    .thumb_func
    .type test_invoke, %function
test_invoke:
    push {r4, lr}
    bl mg_board_counter_read
    movs r4, #100
loop:
    ldr r0, [r1]
    ldr r2, [r1, #4]
    add r0, r0, r2
    str r0, [r1, #8]
    subs r4, #1
    bne loop
    bl mg_board_counter_read
    pop {r4, pc}
    .size test_invoke, . - test_invoke
    .thumb_func
    .type mg_board_counter_read, %function
mg_board_counter_read:
    movs r0, #0
    bx lr
    .size mg_board_counter_read, . - mg_board_counter_read
"""


@pytest.fixture(scope="module")
def loop_elf(tmp_path_factory):
    if shutil.which("arm-none-eabi-gcc") is None:
        pytest.fail("arm-none-eabi-gcc is needed (./dev setup installs it)")
    folder = tmp_path_factory.mktemp("loop")
    (folder / "loop.S").write_text(PROGRAM)
    (folder / "loop.ld").write_text(textwrap.dedent("""\
        ENTRY(reset)
        SECTIONS { . = 0x08000000; .text : { KEEP(*(.vectors)) *(.text*) } }
        """))
    elf = folder / "loop.elf"
    subprocess.run(["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-nostdlib", "-T", "loop.ld",
                    "loop.S", "-o", str(elf)], cwd=folder, check=True)
    return elf


def run_traced(elf):
    """QEMU runs the program with the trace on; the parsed trace and the firmware."""
    firmware = read_firmware(elf, "arm-none-eabi-")
    names = traced_functions(firmware, "test_invoke")
    assert names == ["mg_board_counter_read", "reset", "test_invoke"]
    reader = TraceReader([(firmware.functions[n].start, firmware.functions[n].size) for n in names])
    board = load_board("netduinoplus2")
    try:
        proc = subprocess.run(qemu_command(board, elf, None, reader.qemu_args), pass_fds=reader.pass_fds,
                              capture_output=True, timeout=30)
    finally:
        reader.close()
    assert proc.returncode == 0, proc.stderr
    return reader.finish(10), firmware


def test_a_loop_of_known_length_is_counted_and_priced_exactly(loop_elf):
    parser, firmware = run_traced(loop_elf)
    est = estimate(parser, firmware, M4, flash_timing(0, "none"), 168_000_000, "test_invoke", 1)
    (inference,), ((layer,),) = est.inferences, est.layers
    # reads and calls: read 2 + bl 1 + push 1 + bl 1 + read 2 + movs 1 + loop 600 + bl 1 + read 2
    # + pop 1 + bl 1
    assert inference.instructions == 613
    assert layer.instructions == 2 + 1 + 600 + 1
    # loop: 100 x 7 + 99 taken x 2; read: movs 1 + bx 3; bl 3; push {r4, lr} 3; pop {r4, pc} 5
    assert layer.cycles == 4 + 1 + 898 + 3
    assert inference.cycles == 4 + 3 + 3 + 3 + 906 + 4 + 5 + 3
    assert inference.taken_branches == 107
    # alu: 3 reads' movs + movs r4 + add, subs; branch: 3 bx + 4 bl + 100 bne
    assert dict(zip(CLASSES, inference.classes)) == {
        "alu": 3 + 1 + 200, "multiply": 0, "divide": 0, "load": 200, "store": 100, "load_multiple": 1,
        "store_multiple": 1, "branch": 107, "fp": 0, "system": 0}
    # five wait states on every taken branch (no accelerator)
    slow = estimate(parser, firmware, M4, flash_timing(5, "none"), 168_000_000, "test_invoke", 1)
    assert slow.inferences[0].cycles == 931 + 107 * 5
    assert est.ms(931) == pytest.approx(931 / 168e3)
    m7 = estimate(parser, firmware, M7, flash_timing(0, "none"), 400_000_000, "test_invoke", 1)
    assert m7.inferences[0].instructions == 613 and m7.inferences[0].cycles < 931


def test_the_estimate_is_the_same_run_to_run(loop_elf):
    first = estimate(*run_traced(loop_elf), M4, flash_timing(5, "ART"), 120_000_000, "test_invoke", 1)
    second = estimate(*run_traced(loop_elf), M4, flash_timing(5, "ART"), 120_000_000, "test_invoke", 1)
    assert first == second
    first.check_against([613], [[604]], 1)
    with pytest.raises(TraceError, match="firmware counted 610"):
        first.check_against([610], [[604]], 1)


def test_functions_stored_as_pointers_are_found_outside_the_vector_table():
    from mcugen.bench.disasm import pointed_to

    funcs = {"mg_vectors": Function("mg_vectors", 0x08000000, 8), "reset": Function("reset", 0x08000010, 4),
             "walk": Function("walk", 0x08000020, 8), "params": Function("params", 0x08000030, 8)}
    contents = textwrap.dedent("""\

        fw.elf:     file format elf32-littlearm

        Contents of section .text:
         8000000 00020020 11000008 00000000 00000000  ... ............
         8000030 21000008 20000008                    !... ...
        Contents of section .debug_info:
         0000 21000008 11000008                       !.......
        """)
    # reset's address sits in the vector table only; walk's even word (no Thumb bit) is not a pointer
    assert pointed_to(contents, funcs) == {"walk"}


def test_static_functions_of_one_name_are_all_kept():
    from mcugen.bench.disasm import parse_nm

    found = parse_nm("08000ab4 000000a4 t output_value\n08001094 000000ac t output_value\n"
                     "08001094 000000ac t output_value\n080016f8 000001dc T mg_fully_connected_s8\n")
    assert {(f.name, f.start) for f in found.values()} == {
        ("output_value", 0x08000AB4), ("output_value@8001094", 0x08001094), ("mg_fully_connected_s8", 0x080016F8)}
