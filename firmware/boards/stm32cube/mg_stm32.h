/* Between the STM32Cube glue (board.c) and each Nucleo board's clock_uart.c: the clock and
 * console-UART set-up a board provides, and the UART opening they share. */
#ifndef MG_STM32_H
#define MG_STM32_H

#include "mg_board.h" /* first: its mg_board_config.h names the family's HAL header */

#include MG_STM32_HAL_HEADER

extern UART_HandleTypeDef mg_stm32_uart; /* the ST-LINK virtual COM port */

/* Per board (nucleo_<board>/clock_uart.c): the system clock, and the console UART (its port's and its
 * own clocks on, then mg_stm32_uart_open). */
void mg_stm32_clock_init(void);
void mg_stm32_uart_init(void);

/* Pins `pins` of `port` to alternate function `af` (push-pull, pull-up, very high speed), then
 * mg_stm32_uart on `uart`: 8N1 at MG_BOARD_BAUD, receive and transmit, no flow control, 16x
 * oversampling. The port's and the UART's clocks must be on. */
void mg_stm32_uart_open(USART_TypeDef *uart, GPIO_TypeDef *port, uint32_t pins, uint32_t af);

#endif /* MG_STM32_H */
