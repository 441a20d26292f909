/* mg_board.h glue for LLVM's ESP32 code on QEMU's windowed sim cores: console and exit through
 * simcall, ICOUNT as the counter. LLVM's assembler knows neither simcall nor the ICOUNT registers'
 * names: they are written as bytes. memcpy and memset: nothing else provides them here. */
#include <stddef.h>
#include <stdint.h>
#include "mg_board.h"
const char mg_board_name[] = MG_BOARD_NAME;
static int32_t simcall(int32_t c, int32_t a, int32_t b, int32_t d) {
    register int32_t a2 __asm__("a2") = c; register int32_t a3 __asm__("a3") = a;
    register int32_t a4 __asm__("a4") = b; register int32_t a5 __asm__("a5") = d;
    __asm__ volatile(".byte 0x00, 0x51, 0x00" : "+r"(a2), "+r"(a3) : "r"(a4), "r"(a5) : "memory");
    return a2;
}
/* rsr a2, icount (special register 236) and wsr a2, icount / icountlevel (237), as bytes, through
 * a2 named in the assembly (LLVM does not keep register variables in a2 here) */
void mg_board_counter_restart(void) {
    __asm__ volatile("movi a2, 0\n\t.byte 0x20, 0xec, 0x13\n\t"      /* wsr a2, icount */
                     "movi a2, 1\n\t.byte 0x20, 0xed, 0x13\n\tisync" /* wsr a2, icountlevel */
                     : : : "a2");
}
void mg_board_init(void) { mg_board_counter_restart(); }
void mg_board_uart_write(const uint8_t *d, uint32_t n) { simcall(4, 1, (int32_t)(uintptr_t)d, (int32_t)n); }
int mg_board_uart_read_byte(void) { uint8_t b = 0; simcall(3, 0, (int32_t)(uintptr_t)&b, 1); return b; }
uint32_t mg_board_counter_read(void) {
    uint32_t v;
    __asm__ volatile(".byte 0x20, 0xec, 0x03\n\tmov %0, a2" : "=r"(v) : : "a2"); /* rsr a2, icount */
    return v;
}
void mg_board_exit(int s) { for (;;) simcall(1, s, 0, 0); }
void mg_board_stack_region(uint8_t **lo, uint8_t **hi) { *lo = 0; *hi = 0; }
void *memcpy(void *d, const void *s, size_t n) { uint8_t *a = d; const uint8_t *b = s; while (n--) *a++ = *b++; return d; }
void *memset(void *d, int v, size_t n) { uint8_t *a = d; while (n--) *a++ = (uint8_t)v; return d; }
int main(void);
int main_w(void) { return main(); }
