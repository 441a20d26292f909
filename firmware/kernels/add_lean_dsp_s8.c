#include "add_lean_dsp_s8.h"

#include "mg_mm_dsp.h"

/* One element: (a, t, s) scratch registers; c1 carries the second input's offset, so
 * s = ((SMMLAR(a, m1, c1) - [a < 0]) >> rs1) + x2 * 2^19 is TFLM's sum of the rescaled inputs. */
#if MG_DSP_NATIVE
#define ELEMENT(OUTPUT_STEP)                                                                    \
    "1:\n\t"                                                                                    \
    "ldrsb  %[a], [%[in1]], #1\n\t"                                                             \
    "add    %[a], %[off1], %[a], lsl #21\n\t"                                                   \
    "smmlar %[t], %[a], %[m1], %[c1]\n\t"                                                       \
    "sub    %[t], %[t], %[a], lsr #31\n\t"                                                      \
    "asr    %[t], %[t], %[rs1]\n\t"                                                             \
    "ldrsb  %[s], [%[in2]], #1\n\t"                                                             \
    "add    %[t], %[t], %[s], lsl #19\n\t"                                                      \
    "add    %[t], %[t], %[t]\n\t"                                                               \
    OUTPUT_STEP                                                                                 \
    "asr    %[t], %[t], %[rso]\n\t"                                                             \
    "ssat   %[t], #8, %[t], asr #1\n\t"                                                         \
    "strb   %[t], [%[out]], #1\n\t"                                                             \
    "cmp    %[out], %[end]\n\t"                                                                 \
    "bne    1b\n\t"
#define OUTPUT_FIX "sub    %[a], %[co], %[t], lsr #31\n\t" "smmlar %[t], %[t], %[mo], %[a]\n\t"
#define OUTPUT_RELU "smmlar %[t], %[t], %[mo], %[co]\n\t"
#define OPERANDS                                                                                \
    : [a] "=&r"(a), [t] "=&r"(t), [s] "=&r"(s), [in1] "+r"(in1), [in2] "+r"(in2), [out] "+r"(out) \
    : [end] "r"(end), [off1] "r"(p->input1_offset), [m1] "r"(p->input1_multiplier),           \
      [c1] "r"(p->input1_addend), [rs1] "r"(p->input1_shift), [mo] "r"(p->output_multiplier), \
      [co] "r"(co), [rso] "r"(p->output_shift)                                                  \
    : "cc", "memory"
#endif

mg_status mg_add_lean_dsp_s8(const mg_add_lean_dsp_params *p, const int8_t *in1, const int8_t *in2, int8_t *out)
{
    if (p == NULL || in1 == NULL || in2 == NULL || out == NULL || p->input1_shift < 1 || p->input1_shift > 31
        || p->output_shift < 0 || p->output_shift > 30) {
        return MG_ERR_ARG;
    }
    if (p->size <= 0) {
        return MG_OK;
    }
    {
#if MG_DSP_NATIVE
        const int8_t *end = out + p->size;
        const int32_t co = (int32_t)((uint32_t)p->k << p->output_shift);
        uint32_t a, t, s;
        if (p->relu) {
            __asm__ volatile(ELEMENT(OUTPUT_RELU) OPERANDS);
        } else {
            __asm__ volatile(ELEMENT(OUTPUT_FIX) OPERANDS);
        }
#else
        int32_t i;
        for (i = 0; i < p->size; ++i) {
            const int32_t a = (int32_t)((uint32_t)in1[i] << 21) + p->input1_offset;
            const int32_t v = (mg_smmlar(a, p->input1_multiplier, p->input1_addend) - (int32_t)((uint32_t)a >> 31))
                              >> p->input1_shift;
            out[i] = (int8_t)mg_mm_out(v + (int32_t)((uint32_t)in2[i] << 19), p->output_multiplier,
                                       p->output_shift, p->k, !p->relu);
        }
#endif
    }
    return MG_OK;
}
