/* Board glue for QEMU riscv32 virt: NS16550A console, minstret as an exact instruction
 * counter, semihosting exit (the ebreak sequence QEMU recognises). */
#include <stdint.h>

#include "mg_board.h"

#define REG8(addr) (*(volatile uint8_t *)(uintptr_t)(addr))
#define UART_RBR_THR REG8(0x10000000u)
#define UART_LSR REG8(0x10000005u)
#define UART_LSR_DR 0x01u
#define UART_LSR_THRE 0x20u

#define SEMIHOST_SYS_EXIT_EXTENDED 0x20u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

extern uint8_t __mg_stack_top, __mg_stack_bottom;

const char mg_board_name[] = MG_BOARD_NAME;

void mg_board_init(void)
{
}

void mg_board_uart_write(const uint8_t *data, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++) {
        while (!(UART_LSR & UART_LSR_THRE)) {
        }
        UART_RBR_THR = data[i];
    }
}

int mg_board_uart_read_byte(void)
{
    while (!(UART_LSR & UART_LSR_DR)) {
    }
    return (int)UART_RBR_THR;
}

uint32_t mg_board_counter_read(void)
{
    uint32_t count;
    __asm volatile("csrr %0, minstret" : "=r"(count));
    return count;
}

uint32_t mg_semihost_call(uint32_t op, uint32_t *block); /* start.S */

void mg_board_exit(int status)
{
    uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
    (void)mg_semihost_call(SEMIHOST_SYS_EXIT_EXTENDED, block);
    for (;;) {
    }
}

void mg_board_stack_region(uint8_t **lo, uint8_t **hi)
{
    *lo = &__mg_stack_bottom;
    *hi = &__mg_stack_top;
}
