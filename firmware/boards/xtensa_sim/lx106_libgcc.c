/* The libgcc helpers Debian's gcc-xtensa-lx106 leaves out of its libgcc.a (the LX106 has no
 * divide instruction and no high-word multiply, so GCC calls these). The ESP8266's ROM and
 * Espressif's toolchain have them; this sim board provides its own, small and exact. */
#include <stdint.h>

uint32_t __udivsi3(uint32_t n, uint32_t d);
uint32_t __umodsi3(uint32_t n, uint32_t d);
int32_t __divsi3(int32_t n, int32_t d);
int64_t __muldi3(int64_t a, int64_t b);

/* Shift-and-subtract from the divisor's leading bit only: NSAU (__builtin_clz) finds it. */
static uint32_t mg_udivmod(uint32_t n, uint32_t d, uint32_t *rem)
{
    uint32_t q = 0u;
    if (d != 0u && n >= d) {
        int shift = __builtin_clz(d) - __builtin_clz(n);
        d <<= shift;
        for (; shift >= 0; shift--) {
            q <<= 1;
            if (n >= d) {
                n -= d;
                q |= 1u;
            }
            d >>= 1;
        }
    }
    *rem = n;
    return q;
}

uint32_t __udivsi3(uint32_t n, uint32_t d)
{
    uint32_t rem;
    return mg_udivmod(n, d, &rem);
}

uint32_t __umodsi3(uint32_t n, uint32_t d)
{
    uint32_t rem;
    (void)mg_udivmod(n, d, &rem);
    return rem;
}

int32_t __divsi3(int32_t n, int32_t d)
{
    uint32_t rem;
    uint32_t un = n < 0 ? 0u - (uint32_t)n : (uint32_t)n;
    uint32_t ud = d < 0 ? 0u - (uint32_t)d : (uint32_t)d;
    uint32_t q = mg_udivmod(un, ud, &rem);
    return (int32_t)((n < 0) != (d < 0) ? 0u - q : q);
}

/* The low 64 bits of a product, from MULL (32 x 32 -> low 32) on 16-bit halves. */
int64_t __muldi3(int64_t a, int64_t b)
{
    uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
    uint32_t al = (uint32_t)ua, bl = (uint32_t)ub;
    uint32_t a0 = al & 0xFFFFu, a1 = al >> 16, b0 = bl & 0xFFFFu, b1 = bl >> 16;
    uint32_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint32_t mid = (p00 >> 16) + (p01 & 0xFFFFu) + (p10 & 0xFFFFu);
    uint32_t low = (p00 & 0xFFFFu) | (mid << 16);
    uint32_t high = p11 + (p01 >> 16) + (p10 >> 16) + (mid >> 16);
    high += al * (uint32_t)(ub >> 32) + (uint32_t)(ua >> 32) * bl;
    return (int64_t)(((uint64_t)high << 32) | low);
}
