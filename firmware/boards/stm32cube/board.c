/* Board glue shared by the STM32 Nucleo boards on STM32Cube HAL: DWT cycle counter, the HAL
 * tick, UART transfer, exit and stack extent. Clocks and the UART's pins are per board
 * (firmware/boards/nucleo_*), through mg_stm32_clock_init() and mg_stm32_uart. */
#include <stdint.h>

#include "mg_stm32.h"

#include "mg_board_exit_report.h"

UART_HandleTypeDef mg_stm32_uart;

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

void mg_stm32_uart_open(USART_TypeDef *uart, GPIO_TypeDef *port, uint32_t pins, uint32_t af)
{
    GPIO_InitTypeDef gpio = {0};
    gpio.Pin = pins;
    gpio.Mode = GPIO_MODE_AF_PP;
    gpio.Pull = GPIO_PULLUP;
    gpio.Speed = GPIO_SPEED_FREQ_VERY_HIGH;
    gpio.Alternate = af;
    HAL_GPIO_Init(port, &gpio);
    mg_stm32_uart.Instance = uart;
    mg_stm32_uart.Init.BaudRate = MG_BOARD_BAUD;
    mg_stm32_uart.Init.WordLength = UART_WORDLENGTH_8B;
    mg_stm32_uart.Init.StopBits = UART_STOPBITS_1;
    mg_stm32_uart.Init.Parity = UART_PARITY_NONE;
    mg_stm32_uart.Init.Mode = UART_MODE_TX_RX;
    mg_stm32_uart.Init.HwFlowCtl = UART_HWCONTROL_NONE;
    mg_stm32_uart.Init.OverSampling = UART_OVERSAMPLING_16; /* 0: also what LPUART1 (L4R5) leaves */
    (void)HAL_UART_Init(&mg_stm32_uart);
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
