/* Board glue for the STM32F405 of QEMU's netduinoplus2, on bare registers: USART1 console and
 * TIM2 as the counter (QEMU clocks STM32 timers at 1 GHz of virtual time, so with -icount
 * shift=0 one tick is one instruction). */
#include <stdint.h>

#include "mg_board.h"

#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

#define RCC_APB1ENR REG32(0x40023840u)
#define RCC_APB2ENR REG32(0x40023844u)
#define RCC_APB1ENR_TIM2EN 0x1u
#define RCC_APB2ENR_USART1EN 0x10u

#define USART1_SR REG32(0x40011000u)
#define USART1_DR REG32(0x40011004u)
#define USART1_BRR REG32(0x40011008u)
#define USART1_CR1 REG32(0x4001100Cu)
#define USART_SR_RXNE 0x20u
#define USART_SR_TXE 0x80u
#define USART_CR1_UE_TE_RE 0x200Cu

#define TIM2_CR1 REG32(0x40000000u)
#define TIM2_EGR REG32(0x40000014u)
#define TIM2_CNT REG32(0x40000024u)
#define TIM2_PSC REG32(0x40000028u)
#define TIM2_ARR REG32(0x4000002Cu)
#define TIM_CR1_CEN 0x1u
#define TIM_EGR_UG 0x1u

const char mg_board_name[] = MG_BOARD_NAME;

void mg_board_init(void)
{
    RCC_APB1ENR |= RCC_APB1ENR_TIM2EN;
    RCC_APB2ENR |= RCC_APB2ENR_USART1EN;
    USART1_BRR = 0x16Du; /* 115200 baud from 42 MHz APB2 on the real chip; QEMU ignores it */
    USART1_CR1 = USART_CR1_UE_TE_RE;
    TIM2_PSC = 0u;
    TIM2_ARR = 0xFFFFFFFFu;
    TIM2_EGR = TIM_EGR_UG;
    TIM2_CR1 = TIM_CR1_CEN;
}

void mg_board_uart_write(const uint8_t *data, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++) {
        while (!(USART1_SR & USART_SR_TXE)) {
        }
        USART1_DR = data[i];
    }
}

int mg_board_uart_read_byte(void)
{
    while (!(USART1_SR & USART_SR_RXNE)) {
    }
    return (int)(USART1_DR & 0xFFu);
}

uint32_t mg_board_counter_read(void)
{
    return TIM2_CNT;
}
