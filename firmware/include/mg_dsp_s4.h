/* mcugen DSP helpers for packed int4 weights (the *_dsp_s4 kernels), beside mg_dsp.h.
 *
 * Weights of CONV_2D and FULLY_CONNECTED are stored offset by 8 (u = w + 8, 0..15), eight to a
 * word, laid out at generate time (mcugen/ops/int4_dsp.py) so that one AND with a shifted operand
 * yields an SMLAD-ready pair: word slot k (k = 0..3) holds, in bits 4k..4k+3 and 16+4k..19+4k, the
 * two taps that meet the k-th int16 column word of the 8 taps, so (word >> 4k) & 0x000F000F is
 * that pair as two int16 halves. The kernels start each accumulator at bias - 8 * (sum of the
 * column's taps), which makes the sum of u * x equal to the sum of w * x (bit-exact, no scaling).
 * Per 8 taps and channel: one load, 4 AND, 4 SMLAD; unpacking costs what SXTB16 does for int8. */
#ifndef MG_DSP_S4_H
#define MG_DSP_S4_H

#include "mg_dsp.h"

#define MG_NIBBLE_PAIRS 0x000F000Fu /* the AND mask of the offset weights' word slots */

/* ---- two channels x two pixels: a[ch][px] += w[ch] . x[px] -----------------------------------
 * W_: per turn of 8 taps one word of channel 0, one of channel 1. X_: per turn, per column word k
 * (0..3), pixel 0's word then pixel 1's (8 words). `turns` > 0. */
#if MG_DSP_NATIVE
#define MG_ASM4_K(lsr)                                                                     \
        "ldrd   %[xa], %[xb], [%[x]], #8\n\t"                                              \
        "and    %[u], %[m], %[wa]" lsr "\n\t"                                              \
        "smlad  %[a00], %[u], %[xa], %[a00]\n\t"                                           \
        "smlad  %[a01], %[u], %[xb], %[a01]\n\t"                                           \
        "and    %[u], %[m], %[wb]" lsr "\n\t"                                              \
        "smlad  %[a10], %[u], %[xa], %[a10]\n\t"                                           \
        "smlad  %[a11], %[u], %[xb], %[a11]\n\t"
#define MG_DOT4_2X2(W_, X_, TURNS_, A00_, A01_, A10_, A11_)                                \
    do {                                                                                   \
        const uint32_t *wp_ = (W_), *xp_ = (X_);                                           \
        int32_t n_ = (TURNS_);                                                             \
        uint32_t wa_, wb_, u_, xa_, xb_;                                                   \
        __asm__ volatile("1:\n\t"                                                          \
                         "ldrd   %[wa], %[wb], [%[w]], #8\n\t"                             \
                         MG_ASM4_K("") MG_ASM4_K(", lsr #4") MG_ASM4_K(", lsr #8")         \
                         MG_ASM4_K(", lsr #12")                                            \
                         "subs   %[n], %[n], #1\n\t"                                       \
                         "bne    1b\n\t"                                                   \
                         : [a00] "+r"(A00_), [a01] "+r"(A01_), [a10] "+r"(A10_), [a11] "+r"(A11_), \
                           [w] "+r"(wp_), [x] "+r"(xp_), [n] "+r"(n_), [wa] "=&r"(wa_),    \
                           [wb] "=&r"(wb_), [u] "=&r"(u_), [xa] "=&r"(xa_), [xb] "=&r"(xb_) \
                         : [m] "r"(MG_NIBBLE_PAIRS)                                        \
                         : "cc", "memory");                                                \
    } while (0)
#else
/* elsewhere (host, RV32): the same sums through mg_smlad's plain-C form */
#define MG_DOT4_2X2(W_, X_, TURNS_, A00_, A01_, A10_, A11_)                                \
    do {                                                                                   \
        const uint32_t *wp_ = (W_), *xp_ = (X_);                                           \
        int32_t n_ = (TURNS_), k_;                                                         \
        do {                                                                               \
            const uint32_t wa_ = mg_read_u32(wp_), wb_ = mg_read_u32(wp_ + 1);             \
            for (k_ = 0; k_ < 4; ++k_, xp_ += 2) {                                         \
                const uint32_t ua_ = (wa_ >> (4 * k_)) & MG_NIBBLE_PAIRS;                  \
                const uint32_t ub_ = (wb_ >> (4 * k_)) & MG_NIBBLE_PAIRS;                  \
                const uint32_t xa_ = mg_read_u32(xp_), xb_ = mg_read_u32(xp_ + 1);         \
                (A00_) = mg_smlad(ua_, xa_, (A00_));                                       \
                (A01_) = mg_smlad(ua_, xb_, (A01_));                                       \
                (A10_) = mg_smlad(ub_, xa_, (A10_));                                       \
                (A11_) = mg_smlad(ub_, xb_, (A11_));                                       \
            }                                                                              \
            wp_ += 2;                                                                      \
        } while (--n_ > 0);                                                                \
    } while (0)
#endif

/* ---- two channels x one column: a[ch] += w[ch] . x ---------------------------------------------
 * W_ as above; X_: the column's words in order (4 per turn). `turns` > 0. */
#if MG_DSP_NATIVE
#define MG_ASM4_K2(lsr0, lsr1)                                                             \
        "ldrd   %[xa], %[xb], [%[x]], #8\n\t"                                              \
        "and    %[u], %[m], %[wa]" lsr0 "\n\t"                                             \
        "smlad  %[a0], %[u], %[xa], %[a0]\n\t"                                             \
        "and    %[u], %[m], %[wb]" lsr0 "\n\t"                                             \
        "smlad  %[a1], %[u], %[xa], %[a1]\n\t"                                             \
        "and    %[u], %[m], %[wa]" lsr1 "\n\t"                                             \
        "smlad  %[a0], %[u], %[xb], %[a0]\n\t"                                             \
        "and    %[u], %[m], %[wb]" lsr1 "\n\t"                                             \
        "smlad  %[a1], %[u], %[xb], %[a1]\n\t"
#define MG_DOT4_2X1(W_, X_, TURNS_, A0_, A1_)                                              \
    do {                                                                                   \
        const uint32_t *wp_ = (W_), *xp_ = (X_);                                           \
        int32_t n_ = (TURNS_);                                                             \
        uint32_t wa_, wb_, u_, xa_, xb_;                                                   \
        __asm__ volatile("1:\n\t"                                                          \
                         "ldrd   %[wa], %[wb], [%[w]], #8\n\t"                             \
                         MG_ASM4_K2("", ", lsr #4") MG_ASM4_K2(", lsr #8", ", lsr #12")    \
                         "subs   %[n], %[n], #1\n\t"                                       \
                         "bne    1b\n\t"                                                   \
                         : [a0] "+r"(A0_), [a1] "+r"(A1_), [w] "+r"(wp_), [x] "+r"(xp_),   \
                           [n] "+r"(n_), [wa] "=&r"(wa_), [wb] "=&r"(wb_), [u] "=&r"(u_),  \
                           [xa] "=&r"(xa_), [xb] "=&r"(xb_)                                \
                         : [m] "r"(MG_NIBBLE_PAIRS)                                        \
                         : "cc", "memory");                                                \
    } while (0)
#else
#define MG_DOT4_2X1(W_, X_, TURNS_, A0_, A1_)                                              \
    do {                                                                                   \
        const uint32_t *wp_ = (W_), *xp_ = (X_);                                           \
        int32_t n_ = (TURNS_), k_;                                                         \
        do {                                                                               \
            const uint32_t wa_ = mg_read_u32(wp_), wb_ = mg_read_u32(wp_ + 1);             \
            for (k_ = 0; k_ < 4; ++k_, ++xp_) {                                            \
                const uint32_t x_ = mg_read_u32(xp_);                                      \
                (A0_) = mg_smlad((wa_ >> (4 * k_)) & MG_NIBBLE_PAIRS, x_, (A0_));          \
                (A1_) = mg_smlad((wb_ >> (4 * k_)) & MG_NIBBLE_PAIRS, x_, (A1_));          \
            }                                                                              \
            wp_ += 2;                                                                      \
        } while (--n_ > 0);                                                                \
    } while (0)
#endif

#endif /* MG_DSP_S4_H */
