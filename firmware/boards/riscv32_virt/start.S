/* Reset entry for QEMU riscv32 virt (-bios none): stack, gp, .data copy, .bss clear, main. */
    .section .text.start, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    la sp, __mg_stack_top
    la t0, __data_load
    la t1, __data_start
    la t2, __data_end
1:  bgeu t1, t2, 2f
    lw t3, 0(t0)
    sw t3, 0(t1)
    addi t0, t0, 4
    addi t1, t1, 4
    j 1b
2:  la t1, __bss_start
    la t2, __bss_end
3:  bgeu t1, t2, 4f
    sw zero, 0(t1)
    addi t1, t1, 4
    j 3b
4:  la t0, mg_trap
    csrw mtvec, t0
    call main
    call mg_board_exit
5:  j 5b

    /* Any trap (illegal instruction, misaligned access, ...) ends the run with status 70. */
    .align 2
mg_trap:
    li a0, 70
    call mg_board_exit
6:  j 6b

    /* uint32_t mg_semihost_call(uint32_t op, void *block): the trap QEMU recognises must be
     * exactly these three uncompressed instructions, in one page. */
    .section .text.semihost, "ax"
    .globl mg_semihost_call
    .option push
    .option norvc
    .balign 16
mg_semihost_call:
    slli x0, x0, 0x1f
    ebreak
    srai x0, x0, 7
    ret
    .option pop
