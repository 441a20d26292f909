/* The libgcc helpers Debian's gcc-xtensa-lx106 leaves out of its libgcc.a (the LX106 has no
 * divide instruction, no high-word multiply and no FPU, so GCC calls these): integer division,
 * the 64-bit product, and IEEE-754 single-precision add, subtract, multiply and int -> float
 * (float-I/O models quantize and dequantize with them), rounded to nearest-even as the host's
 * FPU and tflite-micro round. The ESP8266's ROM and Espressif's toolchain have them; this sim
 * board provides its own, small and exact. */
#include <stdint.h>

uint32_t __udivsi3(uint32_t n, uint32_t d);
uint32_t __umodsi3(uint32_t n, uint32_t d);
int32_t __divsi3(int32_t n, int32_t d);
int64_t __muldi3(int64_t a, int64_t b);
float __addsf3(float a, float b);
float __subsf3(float a, float b);
float __mulsf3(float a, float b);
float __floatsisf(int32_t i);

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

/* ---- IEEE-754 binary32, round to nearest-even, no exception flags ---------------------------- */

#define MG_F32_NAN 0x7FC00000u

typedef union {
    float f;
    uint32_t u;
} mg_f32;

static uint32_t mg_bits(float f)
{
    mg_f32 v;
    v.f = f; /* a move of the bits: no float operation */
    return v.u;
}

static float mg_float(uint32_t u)
{
    mg_f32 v;
    v.u = u;
    return v.f;
}

/* a >> dist, any bit shifted out ORed into bit 0 (sticky) */
static uint32_t mg_shift_right_jam(uint32_t a, uint32_t dist)
{
    return dist < 31u ? (a >> dist) | (uint32_t)((a << ((32u - dist) & 31u)) != 0u) : (uint32_t)(a != 0u);
}

/* sign | round(sig * 2^(exp - 156)): sig's leading 1 at bit 30 when the result is normal (exp is
 * then its biased exponent - 1: the leading bit carries into the exponent), 7 bits below the
 * float's 24 for the rounding; exp < 0 makes a subnormal, too large an infinity. */
static uint32_t mg_round_pack(uint32_t sign, int32_t exp, uint32_t sig)
{
    uint32_t round_bits = sig & 0x7Fu;
    if ((uint32_t)exp >= 0xFDu) {
        if (exp < 0) {
            sig = mg_shift_right_jam(sig, (uint32_t)-exp);
            exp = 0;
            round_bits = sig & 0x7Fu;
        } else if (exp > 0xFD || sig + 0x40u >= 0x80000000u) {
            return sign | 0x7F800000u;
        }
    }
    sig = (sig + 0x40u) >> 7;
    if (round_bits == 0x40u) { /* a tie: to even */
        sig &= ~1u;
    }
    if (sig == 0u) {
        exp = 0;
    }
    return sign + ((uint32_t)exp << 23) + sig;
}

/* mg_round_pack for a sig whose leading 1 may be anywhere (exact when it needs no rounding) */
static uint32_t mg_norm_round_pack(uint32_t sign, int32_t exp, uint32_t sig)
{
    const int32_t shift = (sig == 0u ? 32 : __builtin_clz(sig)) - 1;
    exp -= shift;
    if (shift >= 7 && (uint32_t)exp < 0xFDu) {
        return sign + ((uint32_t)(sig != 0u ? exp : 0) << 23) + (sig << (shift - 7));
    }
    return mg_round_pack(sign, exp, sig << shift);
}

static uint32_t mg_nan_of(uint32_t a, uint32_t b)
{
    if ((a & 0x7FFFFFFFu) > 0x7F800000u) {
        return a | 0x00400000u;
    }
    return (b & 0x7FFFFFFFu) > 0x7F800000u ? b | 0x00400000u : MG_F32_NAN;
}

/* |a| + |b| with the sign `sign` */
static uint32_t mg_add_mags(uint32_t a, uint32_t b, uint32_t sign)
{
    int32_t exp_a = (int32_t)((a >> 23) & 0xFFu), exp_b = (int32_t)((b >> 23) & 0xFFu), exp;
    uint32_t sig_a = a & 0x7FFFFFu, sig_b = b & 0x7FFFFFu, sig;
    const int32_t diff = exp_a - exp_b;
    if (exp_a == 0xFF || exp_b == 0xFF) {
        if ((exp_a == 0xFF && sig_a != 0u) || (exp_b == 0xFF && sig_b != 0u)) {
            return mg_nan_of(a, b);
        }
        return sign | 0x7F800000u;
    }
    if (diff == 0) {
        if (exp_a == 0) { /* two subnormals: their sum is exact */
            return sign | (sig_a + sig_b);
        }
        sig = 0x01000000u + sig_a + sig_b;
        if ((sig & 1u) == 0u && exp_a < 0xFE) {
            return sign | (((uint32_t)exp_a << 23) + (sig >> 1));
        }
        return mg_round_pack(sign, exp_a, sig << 6);
    }
    sig_a <<= 6;
    sig_b <<= 6;
    if (diff < 0) {
        exp = exp_b;
        sig_a = mg_shift_right_jam(sig_a + (exp_a != 0 ? 0x20000000u : sig_a), (uint32_t)-diff);
    } else {
        exp = exp_a;
        sig_b = mg_shift_right_jam(sig_b + (exp_b != 0 ? 0x20000000u : sig_b), (uint32_t)diff);
    }
    sig = 0x20000000u + sig_a + sig_b;
    if (sig < 0x40000000u) {
        --exp;
        sig <<= 1;
    }
    return mg_round_pack(sign, exp, sig);
}

/* |a| - |b| with a's sign `sign` */
static uint32_t mg_sub_mags(uint32_t a, uint32_t b, uint32_t sign)
{
    int32_t exp_a = (int32_t)((a >> 23) & 0xFFu), exp_b = (int32_t)((b >> 23) & 0xFFu);
    uint32_t sig_a = a & 0x7FFFFFu, sig_b = b & 0x7FFFFFu, sig_x, sig_y;
    int32_t diff = exp_a - exp_b, exp;
    if (exp_a == 0xFF || exp_b == 0xFF) {
        if ((exp_a == 0xFF && sig_a != 0u) || (exp_b == 0xFF && sig_b != 0u) || exp_a == exp_b) {
            return mg_nan_of(a, b); /* a NaN in, or infinity - infinity */
        }
        return exp_a == 0xFF ? sign | 0x7F800000u : (sign ^ 0x80000000u) | 0x7F800000u;
    }
    if (diff == 0) {
        int32_t sig_diff = (int32_t)sig_a - (int32_t)sig_b;
        int32_t shift;
        if (sig_diff == 0) {
            return 0u; /* an exact zero: +0 */
        }
        if (exp_a != 0) {
            --exp_a;
        }
        if (sig_diff < 0) {
            sign ^= 0x80000000u;
            sig_diff = -sig_diff;
        }
        shift = __builtin_clz((uint32_t)sig_diff) - 8;
        exp = exp_a - shift;
        if (exp < 0) {
            shift = exp_a;
            exp = 0;
        }
        return sign | (((uint32_t)exp << 23) + ((uint32_t)sig_diff << shift));
    }
    sig_a <<= 7;
    sig_b <<= 7;
    if (diff < 0) {
        sign ^= 0x80000000u;
        exp = exp_b - 1;
        sig_x = sig_b | 0x40000000u;
        sig_y = sig_a + (exp_a != 0 ? 0x40000000u : sig_a);
        diff = -diff;
    } else {
        exp = exp_a - 1;
        sig_x = sig_a | 0x40000000u;
        sig_y = sig_b + (exp_b != 0 ? 0x40000000u : sig_b);
    }
    return mg_norm_round_pack(sign, exp, sig_x - mg_shift_right_jam(sig_y, (uint32_t)diff));
}

float __addsf3(float a, float b)
{
    const uint32_t ua = mg_bits(a), ub = mg_bits(b);
    return mg_float(((ua ^ ub) & 0x80000000u) == 0u ? mg_add_mags(ua, ub, ua & 0x80000000u)
                                                   : mg_sub_mags(ua, ub, ua & 0x80000000u));
}

float __subsf3(float a, float b)
{
    return __addsf3(a, mg_float(mg_bits(b) ^ 0x80000000u));
}

/* a subnormal's significand normalized: its leading 1 at bit 23, *exp adjusted */
static uint32_t mg_normalize(uint32_t sig, int32_t *exp)
{
    const int32_t shift = __builtin_clz(sig) - 8;
    *exp = 1 - shift;
    return sig << shift;
}

float __mulsf3(float a, float b)
{
    const uint32_t ua = mg_bits(a), ub = mg_bits(b), sign = (ua ^ ub) & 0x80000000u;
    int32_t exp_a = (int32_t)((ua >> 23) & 0xFFu), exp_b = (int32_t)((ub >> 23) & 0xFFu), exp;
    uint32_t sig_a = ua & 0x7FFFFFu, sig_b = ub & 0x7FFFFFu, sig;
    uint64_t product;
    if (exp_a == 0xFF || exp_b == 0xFF) {
        if ((exp_a == 0xFF && sig_a != 0u) || (exp_b == 0xFF && sig_b != 0u)) {
            return mg_float(mg_nan_of(ua, ub));
        }
        if ((exp_a == 0 && sig_a == 0u) || (exp_b == 0 && sig_b == 0u)) {
            return mg_float(MG_F32_NAN); /* infinity * 0 */
        }
        return mg_float(sign | 0x7F800000u);
    }
    if (exp_a == 0) {
        if (sig_a == 0u) {
            return mg_float(sign);
        }
        sig_a = mg_normalize(sig_a, &exp_a);
    }
    if (exp_b == 0) {
        if (sig_b == 0u) {
            return mg_float(sign);
        }
        sig_b = mg_normalize(sig_b, &exp_b);
    }
    exp = exp_a + exp_b - 0x7F;
    product = (uint64_t)((sig_a | 0x00800000u) << 7) * (uint64_t)((sig_b | 0x00800000u) << 8);
    sig = (uint32_t)(product >> 32) | (uint32_t)((uint32_t)product != 0u);
    if (sig < 0x40000000u) {
        --exp;
        sig <<= 1;
    }
    return mg_float(mg_round_pack(sign, exp, sig));
}

float __floatsisf(int32_t i)
{
    const uint32_t sign = (uint32_t)i & 0x80000000u;
    const uint32_t magnitude = sign != 0u ? 0u - (uint32_t)i : (uint32_t)i;
    if ((magnitude & 0x7FFFFFFFu) == 0u) { /* 0, or -2^31 (which a shift would lose) */
        return mg_float(sign != 0u ? 0xCF000000u : 0u);
    }
    return mg_float(mg_norm_round_pack(sign, 0x9C, magnitude));
}
