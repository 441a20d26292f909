/* Board glue for the Raspberry Pi Pico (RP2040, Cortex-M0+) on the Arduino-Pico core
 * (earlephilhower/arduino-pico, PlatformIO `board_build.core = earlephilhower`).
 *
 * Console: Serial1, UART0 on GP0 (TX) and GP1 (RX) at MG_BOARD_BAUD (a USB-serial adapter or a
 * Picoprobe's UART bridge); define MG_RP2040_SERIAL as Serial for the USB CDC port instead.
 * Counter: the RP2040 has no DWT cycle counter (ARMv6-M), so rp2040.getCycleCount(): the core's
 * SysTick on clk_sys, extended to 32 bits by its SysTick interrupt: CPU cycles at
 * MG_BOARD_COUNTER_HZ (clk_sys = board_build.f_cpu). The 1 MHz TIMER would count microseconds.
 * Entry: the core's main() runs setup(); mg_board.h renames the firmware's main() to
 * MG_BOARD_APP_MAIN (the board's [defines]), which setup() runs. */
#include <Arduino.h>

#include "mg_board.h"
#include "mg_board_exit_report.h"

#ifndef MG_RP2040_SERIAL
#define MG_RP2040_SERIAL Serial1
#endif

extern "C" {
extern char __scratch_x_end__, __StackTop; /* Arduino-Pico's memmap_default.ld */

extern const char mg_board_name[];
const char mg_board_name[] = MG_BOARD_NAME;

void mg_board_init(void)
{
    MG_RP2040_SERIAL.begin(MG_BOARD_BAUD);
}

void mg_board_uart_write(const uint8_t *data, uint32_t len)
{
    MG_RP2040_SERIAL.write(data, (size_t)len);
    MG_RP2040_SERIAL.flush();
}

int mg_board_uart_read_byte(void)
{
    int byte;
    while ((byte = MG_RP2040_SERIAL.read()) < 0) {
    }
    return byte & 0xFF;
}

uint32_t mg_board_counter_read(void)
{
    return rp2040.getCycleCount();
}

void mg_board_exit(int status)
{
    mg_board_report_exit(status);
    for (;;) {
        __asm volatile("wfi"); /* sleep until an interrupt (USB, UART) */
    }
}

void mg_board_stack_region(uint8_t **lo, uint8_t **hi)
{
    /* core 0's stack starts at the top of SCRATCH_Y and, core 1 being unused, may grow down
     * through SCRATCH_X (what the core's rp2040.getFreeStack() assumes too) */
    *lo = (uint8_t *)&__scratch_x_end__;
    *hi = (uint8_t *)&__StackTop;
}

int main(void); /* the firmware's entry point, renamed MG_BOARD_APP_MAIN by mg_board.h */
}

void setup()
{
    mg_board_exit(main());
}

void loop()
{
}
