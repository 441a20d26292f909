/* Cortex-M start-up for the emulated boards: vector table, .data/.bss set-up, FPU on, main().
 * Faults end the run with a status QEMU passes back (semihosting), so a crash never hangs a test. */
#include <stdint.h>

#include "mg_board.h"

extern uint32_t __mg_stack_top;
extern uint32_t __data_load, __data_start, __data_end, __bss_start, __bss_end;

int main(void);
void Reset_Handler(void);
void mg_fault_handler(void);
void mg_default_handler(void);
void SysTick_Handler(void) __attribute__((weak, alias("mg_default_handler")));

typedef void (*mg_vector)(void);

__attribute__((section(".vectors"), used))
const mg_vector mg_vectors[16] = {
    (mg_vector)(uintptr_t)&__mg_stack_top,
    Reset_Handler,
    mg_fault_handler,  /* NMI */
    mg_fault_handler,  /* HardFault */
    mg_fault_handler,  /* MemManage */
    mg_fault_handler,  /* BusFault */
    mg_fault_handler,  /* UsageFault */
    mg_fault_handler,  /* SecureFault (v8-M) */
    0, 0, 0,
    mg_default_handler, /* SVCall */
    mg_default_handler, /* DebugMonitor */
    0,
    mg_default_handler, /* PendSV */
    SysTick_Handler,
};

void Reset_Handler(void)
{
    const uint32_t *src = &__data_load;
    for (uint32_t *dst = &__data_start; dst < &__data_end;) {
        *dst++ = *src++;
    }
    for (uint32_t *dst = &__bss_start; dst < &__bss_end;) {
        *dst++ = 0u;
    }
#if defined(__ARM_FP)
    /* CPACR: full access to CP10/CP11 before any float instruction runs. */
    *(volatile uint32_t *)0xE000ED88u |= (0xFu << 20);
    __asm volatile("dsb\n\tisb" ::: "memory");
#endif
    mg_board_exit(main());
}

void mg_fault_handler(void)
{
    static const char msg[] = "\r\nmcugen: fault\r\n";
    mg_board_uart_write((const uint8_t *)msg, (uint32_t)(sizeof msg - 1u));
    mg_board_exit(70);
}

void mg_default_handler(void)
{
}
