/* Board glue for the nRF51822 of QEMU's `microbit` machine (BBC micro:bit v1, Cortex-M0), on bare
 * registers: the UART for the console and TIMER0 as the counter.
 *
 * The counter: ARMv6-M has no DWT, and QEMU clocks both SysTick and the nRF51 timers from the
 * 16 MHz HCLK, so with -icount shift=0 one tick is 62.5 instructions. TIMER0 runs in 32-bit mode
 * (SysTick has 24 bits); a read is a CAPTURE task, then the captured value. Restarting clears it,
 * which also aligns its phase with the clear, so a measured region always counts the same. */
#include <stdint.h>

#include "mg_board.h"

#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))
#define TRIGGER 1u

/* UART0 */
#define UART_BASE 0x40002000u
#define UART_TASKS_STARTRX REG32(UART_BASE + 0x000u)
#define UART_TASKS_STARTTX REG32(UART_BASE + 0x008u)
#define UART_EVENTS_RXDRDY REG32(UART_BASE + 0x108u)
#define UART_EVENTS_TXDRDY REG32(UART_BASE + 0x11Cu)
#define UART_ENABLE REG32(UART_BASE + 0x500u)
#define UART_PSELTXD REG32(UART_BASE + 0x50Cu)
#define UART_PSELRXD REG32(UART_BASE + 0x514u)
#define UART_RXD REG32(UART_BASE + 0x518u)
#define UART_TXD REG32(UART_BASE + 0x51Cu)
#define UART_BAUDRATE REG32(UART_BASE + 0x524u)
#define UART_ENABLE_ON 4u
#define UART_BAUDRATE_115200 0x01D7E000u
#define MICROBIT_TX_PIN 24u /* the interface chip's virtual COM port */
#define MICROBIT_RX_PIN 25u

/* TIMER0 */
#define TIMER_BASE 0x40008000u
#define TIMER_TASKS_START REG32(TIMER_BASE + 0x000u)
#define TIMER_TASKS_STOP REG32(TIMER_BASE + 0x004u)
#define TIMER_TASKS_CLEAR REG32(TIMER_BASE + 0x00Cu)
#define TIMER_TASKS_CAPTURE0 REG32(TIMER_BASE + 0x040u)
#define TIMER_MODE REG32(TIMER_BASE + 0x504u)
#define TIMER_BITMODE REG32(TIMER_BASE + 0x508u)
#define TIMER_PRESCALER REG32(TIMER_BASE + 0x510u)
#define TIMER_CC0 REG32(TIMER_BASE + 0x540u)
#define TIMER_MODE_TIMER 0u
#define TIMER_BITMODE_32 3u

const char mg_board_name[] = MG_BOARD_NAME;

void mg_board_init(void)
{
    UART_PSELTXD = MICROBIT_TX_PIN;
    UART_PSELRXD = MICROBIT_RX_PIN;
    UART_BAUDRATE = UART_BAUDRATE_115200;
    UART_ENABLE = UART_ENABLE_ON;
    UART_TASKS_STARTTX = TRIGGER;
    UART_TASKS_STARTRX = TRIGGER;

    TIMER_TASKS_STOP = TRIGGER;
    TIMER_MODE = TIMER_MODE_TIMER;
    TIMER_BITMODE = TIMER_BITMODE_32;
    TIMER_PRESCALER = 0u; /* the full 16 MHz */
    TIMER_TASKS_CLEAR = TRIGGER;
    TIMER_TASKS_START = TRIGGER;
}

void mg_board_uart_write(const uint8_t *data, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++) {
        UART_EVENTS_TXDRDY = 0u;
        UART_TXD = data[i];
        while (UART_EVENTS_TXDRDY == 0u) {
        }
    }
}

int mg_board_uart_read_byte(void)
{
    while (UART_EVENTS_RXDRDY == 0u) {
    }
    UART_EVENTS_RXDRDY = 0u; /* cleared before RXD is read, so the next byte raises it again */
    return (int)(UART_RXD & 0xFFu);
}

uint32_t mg_board_counter_read(void)
{
    TIMER_TASKS_CAPTURE0 = TRIGGER;
    return TIMER_CC0;
}

void mg_board_counter_restart(void)
{
    TIMER_TASKS_CLEAR = TRIGGER;
}
