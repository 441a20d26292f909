/* Counter from CMSDK APB TIMER0: a 32-bit down-counter on the 25 MHz peripheral clock
 * (QEMU mps2-an386 / mps2-an500). Returned counting up. */
#include <stdint.h>

#include "mg_board.h"

#ifndef MG_CMSDK_TIMER_BASE
#error "MG_CMSDK_TIMER_BASE (the CMSDK APB timer address) must come from mg_board_config.h"
#endif

#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))
#define TIMER_CTRL REG32(MG_CMSDK_TIMER_BASE + 0x00u)
#define TIMER_VALUE REG32(MG_CMSDK_TIMER_BASE + 0x04u)
#define TIMER_RELOAD REG32(MG_CMSDK_TIMER_BASE + 0x08u)
#define TIMER_CTRL_ENABLE 0x1u

void mg_board_counter_init(void);

void mg_board_counter_init(void)
{
    TIMER_CTRL = 0u;
    TIMER_RELOAD = 0xFFFFFFFFu;
    TIMER_VALUE = 0xFFFFFFFFu;
    TIMER_CTRL = TIMER_CTRL_ENABLE;
}

uint32_t mg_board_counter_read(void)
{
    return 0xFFFFFFFFu - TIMER_VALUE;
}

void mg_board_counter_restart(void)
{
    mg_board_counter_init();
}
