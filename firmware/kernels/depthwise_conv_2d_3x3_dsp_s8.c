#include "depthwise_conv_2d_3x3_dsp_s8.h"

#include "mg_dsp.h"

/* The strip: per input column 6 words of int16 pairs, [V0 V2 R2e | V1 V3 R2o]: Vc = channel c's
 * (row 0, row 1), R2e = row 2 of channels (0, 2), R2o = of (1, 3). The first half feeds channels
 * 0 and 2, the second 1 and 3. */
#define DW3_COLUMN_WORDS 6

/* The table of one group (in scratch), laid out for the pixel loop's walk: the 4 doubled biases;
 * per filter column the doubled weights as the strip's column holds the input ([W0 W2 W2e | W1 W3
 * W2o], Wc = channel c's (row 0, row 1)); per channel {multiplier, rounding term 2^(s-1) +
 * output zero point * 2^s, right shift s}; the strip bytes from a pixel's last column to the next
 * pixel's first, the output bytes between pixels. Then 1 + 2 * output zero point, for the
 * table's build. */
enum { DW3_BIAS = 0, DW3_WEIGHTS = 4, DW3_STAGE = 22, DW3_STEP = 34, DW3_TABLE_WORDS = 37 };
typedef struct {
    uint32_t walk[DW3_STEP];
    int32_t step[2];
    int32_t round_unit;
} dw3_table;

/* One chunk of an output row, all groups: where its input is and where its output goes. A filter
 * row outside the image (row 0 or 2: the generator makes sure row 1 never is) is read from an
 * inside one, then its lanes of the strip are overwritten with the input zero point. */
typedef struct {
    const int8_t *row[3];  /* the chunk's first input column inside the image, channel 0, in the
                              output row's three input rows */
    int32_t channels;      /* the bytes between columns; 4 * the groups */
    uint32_t *inside;      /* the strip slot of that column */
    int32_t count;         /* the chunk's columns inside the image (may be 0) */
    const uint32_t *walk;  /* the strip slot of the chunk's first pixel's first column */
    int8_t *dst, *end;     /* the chunk's first pixel and past its last in the output row, channel 0 */
    dw3_table *table;      /* the group's table (advanced group by group by table_step) */
    int32_t table_step;    /* 0: one table for every group, rebuilt; sizeof(dw3_table): one each */
    const int8_t *filter;  /* the group's (advanced group by group while the tables are built) */
    const int32_t *quant;
    const int8_t *shift;
    uint32_t outside;      /* the filter rows outside the image: bit 0 row 0, bit 2 row 2 */
    uint32_t pad;          /* the input zero point in both int16 lanes */
    int32_t build;         /* build the groups' tables (else they are built already) */
} dw3_job;

#if MG_DSP_NATIVE
/* The loops need all 14 registers: one assembly function (naked: GCC adds nothing), called as an
 * AAPCS function. The offsets it reads: */
typedef char dw3_layout_check[(offsetof(dw3_table, round_unit) == 144 && sizeof(dw3_table) == 148
                               && offsetof(dw3_job, inside) == 16 && offsetof(dw3_job, walk) == 24
                               && offsetof(dw3_job, table) == 36 && offsetof(dw3_job, filter) == 44
                               && offsetof(dw3_job, outside) == 56 && offsetof(dw3_job, build) == 64)
                              ? 1 : -1];

/* The table of a group (r0: the table, r1: its filter, r2: quant, r3: shifts; r1-r3 end at the
 * next group's). Per filter column: the weights unpacked, doubled. */
#define DW3_TABLE_COLUMN                        \
    "ldm    r1!, {r10-r12}\n\t"                 \
    "sxtb16 r4, r10\n\t"                        \
    "sxtb16 r5, r11\n\t"                        \
    "sxtb16 r6, r12\n\t"                        \
    "sxtb16 r7, r10, ror #8\n\t"                \
    "sxtb16 r8, r11, ror #8\n\t"                \
    "sxtb16 r9, r12, ror #8\n\t"                \
    "sadd16 r4, r4, r4\n\t"                     \
    "sadd16 r5, r5, r5\n\t"                     \
    "sadd16 r6, r6, r6\n\t"                     \
    "sadd16 r7, r7, r7\n\t"                     \
    "sadd16 r8, r8, r8\n\t"                     \
    "sadd16 r9, r9, r9\n\t"                     \
    "stm    r0!, {r4-r9}\n\t"
/* Channels A (multiplier r4, rounding term r5, shift r6) and B (r7, r8, r9); their shifts are
 * bytes BA and BB of r12, 1 + 2 * output zero point is lr. */
#define DW3_TABLE_STAGE(BA, BB)                 \
    "ldm    r2!, {r4, r7}\n\t"                  \
    "ubfx   r6, r12, #" BA ", #8\n\t"           \
    "sub    r5, r6, #1\n\t"                     \
    "lsl    r5, lr, r5\n\t"                     \
    "ubfx   r9, r12, #" BB ", #8\n\t"           \
    "sub    r8, r9, #1\n\t"                     \
    "lsl    r8, lr, r8\n\t"                     \
    "stm    r0!, {r4-r9}\n\t"
#define DW3_TABLE                               \
    "ldr    lr, [r0, #144]\n\t"                 \
    "ldm    r2!, {r4-r7}\n\t"                   \
    "stm    r0!, {r4-r7}\n\t"                   \
    DW3_TABLE_COLUMN DW3_TABLE_COLUMN DW3_TABLE_COLUMN \
    "ldr    r12, [r3], #4\n\t"                  \
    DW3_TABLE_STAGE("0", "8") DW3_TABLE_STAGE("16", "24")

/* The strip's columns inside the image (r0: the first slot, r2 > 0 of them) in the output row's
 * rows outside the image (r1: bit 0 row 0, bit 2 row 2) get the input zero point (r3: in both
 * lanes): row 0's lanes of the four (row 0, row 1) pairs, or both row-2 pairs. */
#define DW3_EDGES                               \
    "tst    r1, #1\n\t"                         \
    "beq    8f\n\t"                             \
    "push   {r0, r2}\n\t"                       \
    "7:\n\t"                                    \
    "ldm    r0, {r4-r9}\n\t"                    \
    "pkhbt  r4, r3, r4\n\t"                     \
    "pkhbt  r5, r3, r5\n\t"                     \
    "pkhbt  r7, r3, r7\n\t"                     \
    "pkhbt  r8, r3, r8\n\t"                     \
    "stm    r0!, {r4-r9}\n\t"                   \
    "subs   r2, r2, #1\n\t"                     \
    "bne    7b\n\t"                             \
    "pop    {r0, r2}\n\t"                       \
    "8:\n\t"                                    \
    "tst    r1, #4\n\t"                         \
    "beq    3f\n\t"                             \
    "9:\n\t"                                    \
    "str    r3, [r0, #8]\n\t"                   \
    "str    r3, [r0, #20]\n\t"                  \
    "adds   r0, r0, #24\n\t"                    \
    "subs   r2, r2, #1\n\t"                     \
    "bne    9b\n\t"

/* One strip column (r0: its slot, advanced) from the rows r10-r12 at byte r3 (advanced by r1). */
#define DW3_STRIP_COLUMN                        \
    "ldr    r5, [r10, r3]\n\t"                  \
    "ldr    r8, [r11, r3]\n\t"                  \
    "ldr    r9, [r12, r3]\n\t"                  \
    "add    r3, r3, r1\n\t"                     \
    "pkhbt  r7, r5, r8, lsl #16\n\t"            \
    "pkhtb  r8, r8, r5, asr #16\n\t"            \
    "sxtb16 r4, r7\n\t"                         \
    "sxtb16 r7, r7, ror #8\n\t"                 \
    "sxtb16 r5, r8\n\t"                         \
    "sxtb16 r8, r8, ror #8\n\t"                 \
    "sxtb16 r6, r9\n\t"                         \
    "sxtb16 r9, r9, ror #8\n\t"                 \
    "stm    r0!, {r4-r9}\n\t"

/* One filter column of a pixel (r10: the strip, r11: the table): 4 loads, 8 multiply-adds. */
#define DW3_PIXEL_COLUMN                        \
    "ldm    r10!, {r4-r6}\n\t"                  \
    "ldm    r11!, {r7-r9}\n\t"                  \
    "smlad  r0, r4, r7, r0\n\t"                 \
    "smlad  r2, r5, r8, r2\n\t"                 \
    "smlabb r0, r6, r9, r0\n\t"                 \
    "smlatt r2, r6, r9, r2\n\t"                 \
    "ldm    r10!, {r4-r6}\n\t"                  \
    "ldm    r11!, {r7-r9}\n\t"                  \
    "smlad  r1, r4, r7, r1\n\t"                 \
    "smlad  r3, r5, r8, r3\n\t"                 \
    "smlabb r1, r6, r9, r1\n\t"                 \
    "smlatt r3, r6, r9, r3\n\t"
/* One channel's output stage on the doubled sum A: the rounding term R less A's sign bit (TFLM
 * rounds a negative half away from zero), SMMLAR by the multiplier M, the right shift S, SSAT. */
#define DW3_OUT(A, M, R, S)                     \
    "sub    " R ", " R ", " A ", lsr #31\n\t"   \
    "smmlar " A ", " A ", " M ", " R "\n\t"     \
    "asr    " A ", " A ", " S "\n\t"            \
    "ssat   " A ", #8, " A "\n\t"
/* The pixels (r10: the strip at the first one's first column, r11: the table, r12: past the last
 * output, lr: the first's offset from there, < 0, counting up to 0): 63 instructions a pixel. The
 * output word is 4-aligned (channels % 4 == 0). */
#define DW3_PIXELS                              \
    "6:\n\t"                                    \
    "ldm    r11!, {r0-r3}\n\t"                  \
    DW3_PIXEL_COLUMN DW3_PIXEL_COLUMN DW3_PIXEL_COLUMN \
    "ldm    r11!, {r4-r9}\n\t"                  \
    DW3_OUT("r0", "r4", "r5", "r6") DW3_OUT("r1", "r7", "r8", "r9") \
    "ldm    r11!, {r4-r9}\n\t"                  \
    DW3_OUT("r2", "r4", "r5", "r6") DW3_OUT("r3", "r7", "r8", "r9") \
    "bfi    r0, r1, #8, #8\n\t"                 \
    "bfi    r0, r2, #16, #8\n\t"                \
    "bfi    r0, r3, #24, #8\n\t"                \
    "str    r0, [r12, lr]\n\t"                  \
    "ldrd   r4, r5, [r11], #-136\n\t"           \
    "add    r10, r10, r4\n\t"                   \
    "adds   lr, lr, r5\n\t"                     \
    "bne    6b\n\t"

/* All groups of a chunk: per group its table (unless built already), its strip's columns inside
 * the image (their lanes of filter rows outside the image overwritten), its pixels. The job's
 * address and 4 * the group are kept at sp, sp + 4. */
static __attribute__((naked, noinline)) void dw3_groups(dw3_job *job __attribute__((unused)))
{
    __asm__(
        "push   {r4-r11, lr}\n\t"
        "sub    sp, sp, #8\n\t"
        "movs   r1, #0\n\t"
        "strd   r0, r1, [sp]\n\t"
        "1:\n\t"
        "ldr    r12, [sp]\n\t"
        "ldr    r0, [r12, #64]\n\t"          /* build */
        "cbnz   r0, 11f\n\t"
        "b.w    10f\n\t"
        "11:\n\t"
        "ldr    r0, [r12, #36]\n\t"          /* table */
        "add    r4, r12, #44\n\t"
        "ldm    r4, {r1-r3}\n\t"             /* filter, quant, shifts */
        DW3_TABLE
        "ldr    r12, [sp]\n\t"
        "add    r12, r12, #44\n\t"
        "stm    r12, {r1-r3}\n\t"            /* the next group's filter, quant, shifts */
        "10:\n\t"
        "ldrd   lr, r3, [sp]\n\t"            /* the job, the group's byte */
        "ldr    r2, [lr, #20]\n\t"           /* count */
        "lsrs   r2, r2, #1\n\t"
        "bcc    4f\n\t"                      /* even: none or pairs */
        "ldm    lr, {r10-r12}\n\t"
        "ldrd   r1, r0, [lr, #12]\n\t"       /* channels, the first slot */
        DW3_STRIP_COLUMN
        "cmp    r2, #0\n\t"
        "bne    5f\n\t"
        "b      2f\n\t"
        "4:\n\t"
        "beq    3f\n\t"                      /* no column */
        "ldm    lr, {r10-r12}\n\t"
        "ldrd   r1, r0, [lr, #12]\n\t"
        "5:\n\t"
        DW3_STRIP_COLUMN DW3_STRIP_COLUMN
        "subs   r2, r2, #1\n\t"
        "bne    5b\n\t"
        "2:\n\t"
        "ldr    r12, [sp]\n\t"
        "ldrd   r1, r3, [r12, #56]\n\t"      /* outside, pad */
        "cmp    r1, #0\n\t"
        "beq    3f\n\t"
        "ldrd   r0, r2, [r12, #16]\n\t"      /* the first slot, count */
        DW3_EDGES
        "3:\n\t"
        "ldrd   r4, r5, [sp]\n\t"
        "ldr    r10, [r4, #24]\n\t"          /* walk */
        "ldr    r11, [r4, #36]\n\t"          /* table */
        "ldrd   lr, r12, [r4, #28]\n\t"      /* dst, end */
        "add    r12, r12, r5\n\t"
        "add    lr, lr, r5\n\t"
        "sub    lr, lr, r12\n\t"
        DW3_PIXELS
        "ldrd   r4, r5, [sp]\n\t"
        "ldrd   r7, r8, [r4, #36]\n\t"       /* the next group's table */
        "add    r7, r7, r8\n\t"
        "str    r7, [r4, #36]\n\t"
        "ldr    r6, [r4, #12]\n\t"           /* channels */
        "adds   r5, r5, #4\n\t"
        "str    r5, [sp, #4]\n\t"
        "cmp    r5, r6\n\t"
        "bne.w  1b\n\t"
        "add    sp, sp, #8\n\t"
        "pop    {r4-r11, pc}\n\t");
}
#else
/* Elsewhere (the host): the same data flow in C. */
static int32_t dw3_lo(uint32_t v) { return (int16_t)(v & 0xFFFFu); }
static int32_t dw3_hi(uint32_t v) { return (int16_t)(v >> 16); }
/* int16 lanes doubled: the low lane's carry out of bit 15 is dropped */
static uint32_t dw3_double(uint32_t v) { return (v << 1) & 0xFFFEFFFFu; }

static void dw3_table_build(dw3_table *t, const int8_t *f, const int32_t *q, const int8_t *s)
{
    int32_t fx, c;
    for (c = 0; c < 4; ++c) {
        t->walk[DW3_BIAS + c] = (uint32_t)q[c];
        t->walk[DW3_STAGE + 3 * c] = (uint32_t)q[4 + c];
        t->walk[DW3_STAGE + 3 * c + 1] = (uint32_t)t->round_unit << (s[c] - 1);
        t->walk[DW3_STAGE + 3 * c + 2] = (uint32_t)s[c];
    }
    for (fx = 0; fx < 3; ++fx, f += 12) {
        const uint32_t a = mg_read_u32(f), b = mg_read_u32(f + 4), r2 = mg_read_u32(f + 8);
        uint32_t *w = t->walk + DW3_WEIGHTS + DW3_COLUMN_WORDS * fx;
        w[0] = dw3_double(mg_sxtb16(a));
        w[1] = dw3_double(mg_sxtb16(b));
        w[2] = dw3_double(mg_sxtb16(r2));
        w[3] = dw3_double(mg_sxtb16_ror8(a));
        w[4] = dw3_double(mg_sxtb16_ror8(b));
        w[5] = dw3_double(mg_sxtb16_ror8(r2));
    }
}

static void dw3_strip(const dw3_job *job, int32_t offset)
{
    uint32_t *strip = job->inside;
    int32_t n, k;
    for (n = 0; n < job->count; ++n, offset += job->channels, strip += DW3_COLUMN_WORDS) {
        const uint32_t x0 = mg_read_u32(job->row[0] + offset), x1 = mg_read_u32(job->row[1] + offset);
        const uint32_t x2 = mg_read_u32(job->row[2] + offset);
        const uint32_t a = (x0 & 0xFFFFu) | (x1 << 16), b = (x0 >> 16) | (x1 & 0xFFFF0000u);
        strip[0] = mg_sxtb16(a);
        strip[1] = mg_sxtb16(b);
        strip[2] = mg_sxtb16(x2);
        strip[3] = mg_sxtb16_ror8(a);
        strip[4] = mg_sxtb16_ror8(b);
        strip[5] = mg_sxtb16_ror8(x2);
        if (job->outside & 1u) {
            for (k = 0; k < DW3_COLUMN_WORDS; ++k) {
                strip[k] = k % 3 == 2 ? strip[k] : (strip[k] & 0xFFFF0000u) | (job->pad & 0xFFFFu);
            }
        }
        if (job->outside & 4u) {
            strip[2] = strip[5] = job->pad;
        }
    }
}

static void dw3_pixels(const uint32_t *strip, const dw3_table *t, int8_t *dst, const int8_t *end)
{
    do {
        const uint32_t *w = t->walk + DW3_WEIGHTS;
        int32_t a[4], fx, c;
        for (c = 0; c < 4; ++c) {
            a[c] = (int32_t)t->walk[DW3_BIAS + c];
        }
        for (fx = 0; fx < 3; ++fx, strip += DW3_COLUMN_WORDS, w += DW3_COLUMN_WORDS) {
            a[0] = mg_smlad(strip[0], w[0], a[0]) + dw3_lo(strip[2]) * dw3_lo(w[2]);
            a[2] = mg_smlad(strip[1], w[1], a[2]) + dw3_hi(strip[2]) * dw3_hi(w[2]);
            a[1] = mg_smlad(strip[3], w[3], a[1]) + dw3_lo(strip[5]) * dw3_lo(w[5]);
            a[3] = mg_smlad(strip[4], w[4], a[3]) + dw3_hi(strip[5]) * dw3_hi(w[5]);
        }
        strip += t->step[0] / 4;
        for (c = 0; c < 4; ++c) {
            const uint32_t *stage = t->walk + DW3_STAGE + 3 * c;
            const int32_t v = mg_smmlar(a[c], (int32_t)stage[0], (int32_t)stage[1] - (int32_t)((uint32_t)a[c] >> 31));
            dst[c] = (int8_t)mg_ssat8(v >> stage[2]);
        }
        dst += t->step[1];
    } while (dst != end);
}

static void dw3_groups(dw3_job *job)
{
    int32_t g;
    for (g = 0; g < job->channels; g += 4) {
        if (job->build) {
            dw3_table_build(job->table, job->filter, job->quant, job->shift);
            job->filter += 36;
            job->quant += 8;
            job->shift += 4;
        }
        dw3_strip(job, g);
        dw3_pixels(job->walk, job->table, job->dst + g, job->end + g);
        job->table = (dw3_table *)(void *)((int8_t *)job->table + job->table_step);
    }
}
#endif

/* The job's chunk of pixels [px, px + n) of an output row (in `row`): where its columns are in the
 * strip and its input columns inside the image start (`lo`, returned). The strip's slots of the
 * columns outside the image hold the input zero point for good: the first chunk's left ones at
 * its start, the last chunk's right ones at its end (its columns end there), the others' columns
 * after the left ones. */
static int32_t dw3_chunk(const mg_depthwise_conv_2d_3x3_dsp_params *p, int32_t px, int32_t n, int8_t *row,
                         uint32_t *strip, dw3_job *job)
{
    /* the chunk's input columns [first, last), those inside the image [lo, hi) */
    const int32_t first = px * p->stride_w - p->pad_left, last = first + (n - 1) * p->stride_w + 3;
    const int32_t lo = mg_max_i32(first, 0), hi = mg_max_i32(mg_min_i32(last, p->in_w), lo);
    const int32_t slot = first < 0 ? 0 : (last > p->in_w ? p->slots - (last - first) : p->pad_left);
    job->inside = strip + DW3_COLUMN_WORDS * (slot + lo - first);
    job->count = hi - lo;
    job->walk = strip + DW3_COLUMN_WORDS * slot;
    job->dst = row + px * p->channels;
    job->end = row + (px + n) * p->channels;
    return lo;
}

/* Output row `iy0` (its top tap row) of the image `in`, all channels, into the row scratch, chunk
 * by chunk (`lo`: the single chunk's first input column inside the image, its job set), with
 * p->tables group tables from `tables`. */
static void dw3_row(const mg_depthwise_conv_2d_3x3_dsp_params *p, const int8_t *in, int32_t iy0, int32_t lo,
                    dw3_job *job, dw3_table *tables, uint32_t *strip)
{
    const int32_t row_bytes = p->in_w * p->channels;
    const int8_t *rows[3];
    int32_t fy, px;
    job->outside = 0;
    for (fy = 0; fy < 3; ++fy) {
        /* row 1 is inside the image (the generator makes sure): the others fall back on it */
        const int32_t iy = iy0 + fy;
        const int inside = iy >= 0 && iy < p->in_h;
        job->outside |= (uint32_t)!inside << fy;
        rows[fy] = in + (size_t)(inside ? iy : iy0 + 1) * (size_t)row_bytes;
    }
    for (px = 0; px < p->out_w; px += p->chunk) {
        if (p->chunk < p->out_w) {
            lo = dw3_chunk(p, px, mg_min_i32(p->chunk, p->out_w - px), p->scratch, strip, job);
        }
        for (fy = 0; fy < 3; ++fy) {
            job->row[fy] = rows[fy] + lo * p->channels;
        }
        job->table = tables;
        job->filter = p->filter;
        job->quant = p->quant;
        job->shift = p->shift;
        dw3_groups(job);
        /* with a table a group, they are built once (the first chunk of the first row) */
        job->build = p->tables == 1;
    }
}

mg_status mg_depthwise_conv_2d_3x3_dsp_s8(const mg_depthwise_conv_2d_3x3_dsp_params *p, const int8_t *in,
                                          int8_t *out)
{
    mg_row_stream rows;
    dw3_job job;
    dw3_table *tables;
    uint32_t *strip;
    int32_t k, lo;
    if (p == NULL || in == NULL || out == NULL || p->filter == NULL || p->quant == NULL || p->shift == NULL
        || p->scratch == NULL || p->channels <= 0 || p->channels % 4 != 0 || p->filter_h != 3 || p->filter_w != 3
        || p->out_w <= 0 || p->stride_w <= 0 || p->chunk <= 0 || (p->tables != 1 && p->tables != p->channels / 4)
        || p->slots < (mg_min_i32(p->chunk, p->out_w) - 1) * p->stride_w + 3
        || (((uintptr_t)p->filter | (uintptr_t)p->shift | (uintptr_t)p->scratch) & 3u) != 0) {
        return MG_ERR_ARG;
    }
    /* scratch: the output row, the tables, the strip */
    tables = (dw3_table *)(void *)(p->scratch + p->out_w * p->channels);
    for (k = 0; k < p->tables; ++k) {
        tables[k].step[0] = 4 * DW3_COLUMN_WORDS * (p->stride_w - 3);
        tables[k].step[1] = p->channels;
        tables[k].round_unit = p->round_unit;
    }
    job.table_step = p->tables == 1 ? 0 : (int32_t)sizeof(dw3_table);
    job.build = 1;
    job.channels = p->channels;
    job.pad = ((uint32_t)p->pad_value & 0xFFFFu) * 0x10001u;
    strip = (uint32_t *)(void *)(tables + p->tables);
    for (k = 0; k < DW3_COLUMN_WORDS * p->slots; ++k) {
        strip[k] = job.pad;
    }
    lo = dw3_chunk(p, 0, p->out_w, p->scratch, strip, &job); /* the whole row, unless chunked */
    MG_STREAM_CHANNELS(&rows, p, in, out, p->scratch);
    while (mg_stream_next(&rows)) {
        dw3_row(p, rows.in, rows.oy * p->stride_h - p->pad_top, lo, &job, tables, strip);
    }
    return MG_OK;
}

int32_t mg_depthwise_conv_2d_3x3_dsp_s8_scratch_bytes(const mg_depthwise_conv_2d_3x3_dsp_params *p)
{
    if (p == NULL) {
        return -1;
    }
    return p->out_w * p->channels + p->tables * (int32_t)sizeof(dw3_table) + 4 * DW3_COLUMN_WORDS * p->slots;
}
