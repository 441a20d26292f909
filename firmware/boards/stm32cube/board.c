/* Board glue shared by the STM32 Nucleo boards on STM32Cube HAL: DWT cycle counter, the HAL
 * tick, UART transfer, exit and stack extent. Clocks and the UART's pins are per board
 * (firmware/boards/nucleo_*), through mg_stm32_clock_init() and mg_stm32_uart. */
#include <stdint.h>

#include "mg_board.h" /* first: its mg_board_config.h names the family's HAL header */

#include MG_STM32_HAL_HEADER

#include "mg_board_exit_report.h"

extern UART_HandleTypeDef mg_stm32_uart;
void mg_stm32_clock_init(void);
void mg_stm32_uart_init(void);

extern uint8_t _estack; /* top of the stack, from the linker script */

const char mg_board_name[] = MG_BOARD_NAME;

void SysTick_Handler(void)
{
    HAL_IncTick();
}

void mg_board_init(void)
{
    HAL_Init();
    mg_stm32_clock_init();
    mg_stm32_uart_init();
    CoreDebug->DEMCR |= CoreDebug_DEMCR_TRCENA_Msk;
    DWT->CYCCNT = 0u;
    DWT->CTRL |= DWT_CTRL_CYCCNTENA_Msk;
}

void mg_board_uart_write(const uint8_t *data, uint32_t len)
{
    while (len > 0u) {
        uint16_t chunk = (uint16_t)(len > 0xFFFFu ? 0xFFFFu : len);
        (void)HAL_UART_Transmit(&mg_stm32_uart, (uint8_t *)(uintptr_t)data, chunk, HAL_MAX_DELAY);
        data += chunk;
        len -= chunk;
    }
}

int mg_board_uart_read_byte(void)
{
    uint8_t byte = 0;
    while (HAL_UART_Receive(&mg_stm32_uart, &byte, 1u, HAL_MAX_DELAY) != HAL_OK) {
    }
    return (int)byte;
}

uint32_t mg_board_counter_read(void)
{
    return DWT->CYCCNT;
}

void mg_board_exit(int status)
{
    mg_board_report_exit(status);
    for (;;) {
        __WFI();
    }
}

void mg_board_stack_region(uint8_t **lo, uint8_t **hi)
{
    const uintptr_t top = (uintptr_t)&_estack; /* integers: the symbol is an address, not an array */
    *hi = (uint8_t *)top;
    *lo = (uint8_t *)(top - MG_BOARD_STACK_BYTES);
}
