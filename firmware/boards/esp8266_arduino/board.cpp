/* Board glue for the ESP8266 on its Arduino core (PlatformIO espressif8266, framework arduino):
 * UART0 through Serial, CCOUNT as the cycle counter, and setup() running the firmware's main().
 * main() runs on the core's loop stack (CONT_STACKSIZE, 4 KiB); waiting for the host yields, so
 * the core's watchdog and Wi-Fi housekeeping keep running between inferences. */
#include <Arduino.h>
#include <cont.h>

extern "C" {
#include "mg_board.h"
#include "mg_board_exit_report.h"

const char mg_board_name[] = MG_BOARD_NAME;

int main(void);

void mg_board_init(void)
{
    Serial.begin(MG_BOARD_BAUD);
}

void mg_board_uart_write(const uint8_t *data, uint32_t len)
{
    Serial.write(data, len);
    Serial.flush();
}

int mg_board_uart_read_byte(void)
{
    while (Serial.available() <= 0) {
        yield();
    }
    return Serial.read() & 0xFF;
}

uint32_t mg_board_counter_read(void)
{
    uint32_t count;
    __asm__ volatile("rsr %0, ccount" : "=r"(count));
    return count;
}

void mg_board_exit(int status)
{
    mg_board_report_exit(status);
    for (;;) {
        delay(1000);
    }
}

void mg_board_stack_region(uint8_t **lo, uint8_t **hi)
{
    *lo = (uint8_t *)g_pcont->stack;
    *hi = *lo + sizeof g_pcont->stack;
}
}

void setup()
{
    mg_board_exit(main());
}

void loop()
{
}
