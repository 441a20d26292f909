/* Board glue for QEMU's Xtensa `sim` machine (-semihosting): the console is semihosting's
 * stdin/stdout through the `simcall` instruction, the exit status goes back the same way, and
 * the counter is the debug option's ICOUNT register, which counts executed instructions exactly
 * (CCOUNT does not: under -icount shift=0 it advances one tick per 25 instructions). */
#include <stdint.h>

#include "mg_board.h"

#define SYS_EXIT 1
#define SYS_READ 3
#define SYS_WRITE 4
#define FD_STDIN 0
#define FD_STDOUT 1

extern uint8_t __mg_stack_top, __mg_stack_bottom;

const char mg_board_name[] = MG_BOARD_NAME;

/* [0]: ICOUNT wraps since the last restart (start.S counts them); [1]: the handler's scratch. */
volatile uint32_t mg_icount_state[2];

static int32_t mg_simcall(int32_t call, int32_t arg1, int32_t arg2, int32_t arg3)
{
    register int32_t a2 __asm__("a2") = call;
    register int32_t a3 __asm__("a3") = arg1;
    register int32_t a4 __asm__("a4") = arg2;
    register int32_t a5 __asm__("a5") = arg3;
    __asm__ volatile("simcall" : "+r"(a2), "+r"(a3) : "r"(a4), "r"(a5) : "memory");
    return a2;
}

void mg_board_counter_restart(void)
{
    uint32_t zero = 0u;
    mg_icount_state[0] = 0u;
    /* ICOUNTLEVEL 1: count every instruction run below interrupt level 1, i.e. all of the
     * program (start.S clears PS.INTLEVEL and PS.EXCM), none of the wrap handler. */
    __asm__ volatile("wsr.icount %0\n\twsr.icountlevel %1\n\tisync" : : "r"(zero), "r"(1u));
}

void mg_board_init(void)
{
    mg_board_counter_restart();
}

void mg_board_uart_write(const uint8_t *data, uint32_t len)
{
    while (len > 0u) {
        int32_t done = mg_simcall(SYS_WRITE, FD_STDOUT, (int32_t)(uintptr_t)data, (int32_t)len);
        if (done <= 0) {
            return;
        }
        data += done;
        len -= (uint32_t)done;
    }
}

int mg_board_uart_read_byte(void)
{
    uint8_t byte;
    /* blocks until the host sends; 0 bytes means the console closed: nothing more will come */
    if (mg_simcall(SYS_READ, FD_STDIN, (int32_t)(uintptr_t)&byte, 1) != 1) {
        mg_board_exit(3);
    }
    return (int)byte;
}

uint32_t mg_board_counter_read(void)
{
    uint32_t count;
    __asm__ volatile("rsr.icount %0" : "=r"(count));
    /* The instruction that meets a wrap is counted once more after the handler restarts ICOUNT
     * at 0: subtracting the wraps keeps differences exact modulo 2^32. */
    return count - mg_icount_state[0];
}

void mg_board_exit(int status)
{
    for (;;) {
        (void)mg_simcall(SYS_EXIT, status, 0, 0);
    }
}

void mg_board_stack_region(uint8_t **lo, uint8_t **hi)
{
    *lo = &__mg_stack_bottom;
    *hi = &__mg_stack_top;
}

void mg_xtensa_fault(uint32_t cause, uint32_t pc);

void mg_xtensa_fault(uint32_t cause, uint32_t pc)
{
    static const char msg[] = "\r\nmcugen: fault, EXCCAUSE ";
    static const char hex[] = "0123456789abcdef";
    char text[24];
    int n = 0;
    text[n++] = (char)('0' + cause / 10u % 10u);
    text[n++] = (char)('0' + cause % 10u);
    text[n++] = ' ';
    text[n++] = 'p';
    text[n++] = 'c';
    text[n++] = ' ';
    for (int shift = 28; shift >= 0; shift -= 4) {
        text[n++] = hex[(pc >> shift) & 0xFu];
    }
    text[n++] = '\r';
    text[n++] = '\n';
    mg_board_uart_write((const uint8_t *)msg, (uint32_t)(sizeof msg - 1u));
    mg_board_uart_write((const uint8_t *)text, (uint32_t)n);
    mg_board_exit(70);
}
