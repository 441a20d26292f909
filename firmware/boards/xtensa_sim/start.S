/* Reset entry and exception vectors for QEMU's Xtensa `sim` machine with an LX106 core (the
 * ESP8266's; call0 ABI). QEMU starts at the reset vector 0x50000000 (the first bytes of sysrom0),
 * not at the ELF entry. l32r loads literals PC-relative and backwards only, so every literal
 * pool (.literal_position, -mtext-section-literals) sits before the code that uses it. */
#define SYS_EXIT 1
#define STATUS_FAULT 70

    .section .reset.text, "ax"
    .global _reset
_reset:
    j       mg_start

    .literal_position
    .align  4
mg_start:
    movi    a0, 0
    wsr.ps  a0                  /* INTLEVEL 0, EXCM 0: ICOUNT counts at level 0 (see board.c) */
    rsync
    movi    a2, mg_vectors
    wsr.vecbase a2
    movi    a1, __mg_stack_top
    movi    a2, __data_load     /* .data: copy its initial values from ROM */
    movi    a3, __data_start
    movi    a4, __data_end
1:  bgeu    a3, a4, 2f
    l32i    a5, a2, 0
    s32i    a5, a3, 0
    addi    a2, a2, 4
    addi    a3, a3, 4
    j       1b
2:  movi    a3, __bss_start     /* .bss: zero */
    movi    a4, __bss_end
    movi    a5, 0
3:  bgeu    a3, a4, 4f
    s32i    a5, a3, 0
    addi    a3, a3, 4
    j       3b
4:  movi    a0, 0
    call0   main
    call0   mg_board_exit       /* main's status is already in a2 */
5:  j       5b

    /* The vector table (VECBASE, offsets of the LX106 configuration). The counter's wrap
     * (ICOUNT reaching 2^32 - 1) raises a debug exception at level 2: mg_icount_wrap restarts
     * it and notes the wrap. Every other exception ends the run with status 70. */
    .section .vectors.text, "ax"
    .align  1024
    .global mg_vectors
mg_vectors:
    .org    0x10                /* debug */
    j       mg_debug_exception
    .org    0x20                /* NMI (level 3) */
    j       mg_fault
    .org    0x30                /* kernel: exceptions with PS.UM = 0, as here */
    j       mg_fault
    .org    0x50                /* user */
    j       mg_fault
    .org    0x70                /* double */
    j       mg_fault

    .literal_position
    .align  4
mg_debug_exception:
    wsr.excsave2 a0
    rsr.debugcause a0
    bbci    a0, 0, mg_fault     /* not DEBUGCAUSE.IC: a break or a watchpoint, unexpected */
    movi    a0, mg_icount_state
    s32i    a2, a0, 4           /* free a2 */
    l32i    a2, a0, 0
    addi    a2, a2, 1           /* wraps + 1: see mg_board_counter_read */
    s32i    a2, a0, 0
    movi    a2, 0
    wsr.icount a2
    l32i    a2, a0, 4
    rsr.excsave2 a0
    rfi     2

    .align  4
mg_fault:
    rsr.exccause a2
    rsr.epc1    a3
    call0   mg_xtensa_fault     /* prints, then exits with status 70 */
6:  j       6b
