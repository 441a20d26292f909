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
#define SCB_ICSR_PENDSTCLR (1u << 25)

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
    /* The write cleared CVR to 0, and it reads 0 until the first clock loads it from RVR.
     * mg_board_counter_read would take that 0 for the last tick of a period (PERIOD - 1), so a
     * run measured right after a restart would start one period ahead and its count wrap to
     * ~2^32 - 2^24 ticks: wait for the reload, after which the count starts at 0. */
    while (SYST_CVR == 0u) {
    }
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
    SYST_CSR = 0u;                  /* stopped: no new wrap can pend */
    SCB_ICSR = SCB_ICSR_PENDSTCLR;  /* nor one from before be counted after the restart */
    systick_periods = 0u;
    mg_board_counter_init();
}
