/* Board glue for the Arm CMSDK-based FPGA images (QEMU mps2-an386, mps2-an500, mps3-an547):
 * CMSDK APB UART0 for the console. The counter is in cmsdk_timer/ or systick/. */
#include <stdint.h>

#include "mg_board.h"

#ifndef MG_UART_BASE
#error "MG_UART_BASE (the CMSDK UART0 address) must come from mg_board_config.h"
#endif

#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/* CMSDK APB UART registers and bits */
#define UART_DATA REG32(MG_UART_BASE + 0x00u)
#define UART_STATE REG32(MG_UART_BASE + 0x04u)
#define UART_CTRL REG32(MG_UART_BASE + 0x08u)
#define UART_BAUDDIV REG32(MG_UART_BASE + 0x10u)
#define UART_STATE_TXFULL 0x1u
#define UART_STATE_RXFULL 0x2u
#define UART_CTRL_TXEN 0x1u
#define UART_CTRL_RXEN 0x2u

const char mg_board_name[] = MG_BOARD_NAME;

void mg_board_counter_init(void); /* counter.c of the counter folder */

void mg_board_init(void)
{
    UART_BAUDDIV = 16u;
    UART_CTRL = UART_CTRL_TXEN | UART_CTRL_RXEN;
    mg_board_counter_init();
}

void mg_board_uart_write(const uint8_t *data, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++) {
        while (UART_STATE & UART_STATE_TXFULL) {
        }
        UART_DATA = data[i];
    }
}

int mg_board_uart_read_byte(void)
{
    while (!(UART_STATE & UART_STATE_RXFULL)) {
    }
    return (int)(UART_DATA & 0xFFu);
}
