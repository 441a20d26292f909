/* Exit and stack extent for Cortex-M emulators: QEMU runs with semihosting enabled, and
 * SYS_EXIT_EXTENDED is the one call that carries the exit status through to the host. */
#include <stdint.h>

#include "mg_board.h"

extern uint8_t __mg_stack_top, __mg_stack_bottom;

#define SEMIHOST_SYS_EXIT_EXTENDED 0x20u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

void mg_board_exit(int status)
{
    uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
    register uint32_t r0 __asm("r0") = SEMIHOST_SYS_EXIT_EXTENDED;
    register uint32_t *r1 __asm("r1") = block;
    __asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    for (;;) {
    }
}

void mg_board_stack_region(uint8_t **lo, uint8_t **hi)
{
    *lo = &__mg_stack_bottom;
    *hi = &__mg_stack_top;
}
