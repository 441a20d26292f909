/* Counter from SysTick on the CPU clock, extended to 32 bits by counting its periods in the
 * SysTick interrupt (used where no 32-bit timer is simpler: QEMU mps3-an547). */
#include <stdint.h>

#include "mg_board.h"

#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))
/* SysTick */
#define SYST_CSR REG32(0xE000E010u)
#define SYST_RVR REG32(0xE000E014u)
#define SYST_CVR REG32(0xE000E018u)
#define SYST_ENABLE_TICKINT_CLKSOURCE 0x7u
#define SYST_PERIOD 0x01000000u
#define SCB_ICSR REG32(0xE000ED04u)
#define SCB_ICSR_PENDSTSET (1u << 26)

/* SysTick is 24 bits: its interrupt counts periods so the counter spans 32 bits. */
static volatile uint32_t systick_periods;

void mg_board_counter_init(void);

void SysTick_Handler(void)
{
    systick_periods++;
}

void mg_board_counter_init(void)
{
    SYST_RVR = SYST_PERIOD - 1u;
    SYST_CVR = 0u;
    SYST_CSR = SYST_ENABLE_TICKINT_CLKSOURCE;
}

uint32_t mg_board_counter_read(void)
{
    /* QEMU takes interrupts only between translated blocks, so a wrap can be pending while we
     * read: count it ourselves when SysTick is pending and the value was read after it. */
    uint32_t periods, value, pending;
    do {
        periods = systick_periods;
        pending = SCB_ICSR & SCB_ICSR_PENDSTSET;
        value = SYST_CVR;
    } while (periods != systick_periods || pending != (SCB_ICSR & SCB_ICSR_PENDSTSET));
    if (pending) {
        periods++;
    }
    return periods * SYST_PERIOD + (SYST_PERIOD - 1u - value);
}

void mg_board_counter_restart(void)
{
    SYST_CSR = 0u;
    systick_periods = 0u;
    mg_board_counter_init();
}
