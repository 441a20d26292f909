/* Board glue for the Arm CMSDK-based FPGA images (QEMU mps2-an386, mps2-an500, mps3-an547):
 * CMSDK APB UART0 for the console, SysTick on the system clock extended to 32 bits. */
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

/* SysTick */
#define SYST_CSR REG32(0xE000E010u)
#define SYST_RVR REG32(0xE000E014u)
#define SYST_CVR REG32(0xE000E018u)
#define SYST_ENABLE_TICKINT_CLKSOURCE 0x7u
#define SYST_PERIOD 0x01000000u

const char mg_board_name[] = MG_BOARD_NAME;

/* SysTick is 24 bits: its interrupt counts periods so the counter spans 32 bits. */
static volatile uint32_t systick_periods;

void SysTick_Handler(void)
{
    systick_periods++;
}

void mg_board_init(void)
{
    UART_BAUDDIV = 16u;
    UART_CTRL = UART_CTRL_TXEN | UART_CTRL_RXEN;
    SYST_RVR = SYST_PERIOD - 1u;
    SYST_CVR = 0u;
    SYST_CSR = SYST_ENABLE_TICKINT_CLKSOURCE;
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

uint32_t mg_board_counter_read(void)
{
    uint32_t periods, value;
    do {
        periods = systick_periods;
        value = SYST_CVR;
    } while (periods != systick_periods);
    return periods * SYST_PERIOD + (SYST_PERIOD - 1u - value);
}
