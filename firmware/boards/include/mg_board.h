/* Board glue: the only interface between portable firmware (apps, benchmark) and a board.
 *
 * One implementation per board family lives in firmware/boards/<family>/. The generated
 * project's include/mg_board_config.h (from boards/<board>.toml) defines:
 *   MG_BOARD_COUNTER_HZ          ticks per second of mg_board_counter_read(): CPU cycles/s on
 *                                real boards; on emulators ticks per second of virtual time
 *   MG_BOARD_COUNTS_INSTRUCTIONS 1 on emulators: QEMU runs with -icount shift=0, one instruction
 *                                per virtual nanosecond, so instructions = ticks * 1e9 / HZ
 *                                (exact when HZ is 1e9: netduinoplus2 TIM2, riscv32 minstret;
 *                                40-instruction resolution on the 25 MHz mps2 timers)
 *                                0 when it counts CPU cycles (real boards)
 *   MG_BOARD_EMULATED            1 on QEMU machines, 0 on real boards
 */
#ifndef MG_BOARD_H
#define MG_BOARD_H

#include <stdint.h>

#if defined(__has_include)
#if __has_include("mg_board_config.h")
#include "mg_board_config.h"
#endif
#endif

#ifndef MG_BOARD_COUNTER_HZ
#error "MG_BOARD_COUNTER_HZ must come from the build (boards/<board>.toml)"
#endif
#ifndef MG_BOARD_COUNTS_INSTRUCTIONS
#define MG_BOARD_COUNTS_INSTRUCTIONS 0
#endif
#ifndef MG_BOARD_EMULATED
#define MG_BOARD_EMULATED 0
#endif

/* Where the framework owns main() (the Arduino cores), the board's [defines] name another entry
 * point for the firmware's main(), which the glue calls from the framework's setup(). */
#ifdef MG_BOARD_APP_MAIN
#define main MG_BOARD_APP_MAIN
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Clocks, UART and the counter; call once before anything else. */
void mg_board_init(void);

/* Blocking write of `len` bytes to the console UART. */
void mg_board_uart_write(const uint8_t *data, uint32_t len);

/* Blocking read of one byte from the console UART; returns 0..255. */
int mg_board_uart_read_byte(void);

/* Free-running counter: CPU cycles, or executed instructions on emulators (see above).
 * Wraps modulo 2^32; take differences with unsigned arithmetic. */
uint32_t mg_board_counter_read(void);

/* Restart the counter's timer right before a measured region. Emulated timers that tick every N
 * instructions (QEMU mps2/mps3: 40 or 31.25) then start every run at the same phase, so counts
 * repeat exactly. Optional: apps provide a weak no-op for glue that doesn't need it. */
void mg_board_counter_restart(void);

/* End the program: semihosting exit with `status` on emulators; on real boards report and
 * stay in a low-power loop (never returns). */
void mg_board_exit(int status);

/* The main stack's extent [*lo, *hi) for stack painting; the stack grows down from *hi. */
void mg_board_stack_region(uint8_t **lo, uint8_t **hi);

/* The board's name as in boards/<board>.toml, e.g. "mps2_an386". */
extern const char mg_board_name[];

#ifdef __cplusplus
}
#endif

#endif /* MG_BOARD_H */
