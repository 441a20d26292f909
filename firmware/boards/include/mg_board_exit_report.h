/* What real boards do on mg_board_exit: they cannot exit, so they print the status on the
 * console before idling. Shared by the ESP-IDF and STM32Cube glue. */
#ifndef MG_BOARD_EXIT_REPORT_H
#define MG_BOARD_EXIT_REPORT_H

#include <stdint.h>

#include "mg_board.h"

static inline void mg_board_report_exit(int status)
{
    static const char msg[] = "\r\nmcugen: firmware finished, status ";
    char digits[12];
    uint32_t magnitude = status < 0 ? 0u - (uint32_t)status : (uint32_t)status;
    int i = (int)sizeof digits;
    digits[--i] = '\n';
    do {
        digits[--i] = (char)('0' + magnitude % 10u);
        magnitude /= 10u;
    } while (magnitude != 0u);
    if (status < 0) {
        digits[--i] = '-';
    }
    mg_board_uart_write((const uint8_t *)msg, (uint32_t)(sizeof msg - 1u));
    mg_board_uart_write((const uint8_t *)&digits[i], (uint32_t)((int)sizeof digits - i));
}

#endif
