/* The benchmark firmware: announce READY, then serve bench protocol commands forever
 * (docs/protocol.md). It drives the generated models through their C API (docs/design.md), as a
 * table indexed by model (mg_model_api.h: one model, or several in one firmware), and the board
 * only through mg_board.h, so the same file runs on every board and on the host.
 */
/* Protocol and command code is cold (only the model's invoke is timed, and the model's files
 * keep the board's -O2): built for size, it leaves ~0.9 KB more flash to the model. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("Os")
#endif
#include <stdint.h>

#include "mg_bench_proto.h"
#include "mg_board.h"
#include "mg_model_api.h"

#define NUM_MODELS MG_MODELS_TABLE_COUNT
#define MAX_LAYERS MG_MODELS_TABLE_MAX_LAYERS
#define NO_RUN 0xFFFFFFFFu

#define STACK_PAINT 0xCDu
#define STACK_PAINT_MARGIN 16u /* slack left unpainted below the probe's frame */

/* Writable state is plain globals with the mg_bench_ prefix (no initialised data needed). */
uint32_t mg_bench_layer_start;
uint32_t mg_bench_layer_ticks[MAX_LAYERS + 1];
uint32_t mg_bench_last_model; /* the model of the last RUN (its layer ticks), NO_RUN before any */
mg_proto_parser mg_bench_parser;
uint8_t mg_bench_tx[MG_PROTO_MAX_PAYLOAD];
uint32_t mg_bench_stack_peak;

static void send_frame(uint8_t type, uint8_t seq, const uint8_t *payload, uint16_t length)
{
    uint8_t header[MG_PROTO_HEADER_BYTES];
    uint8_t crc[MG_PROTO_CRC_BYTES];
    mg_proto_header(header, type, seq, length);
    mg_put_u32(crc, mg_proto_frame_crc(header, payload, length));
    mg_board_uart_write(header, MG_PROTO_HEADER_BYTES);
    if (length > 0) {
        mg_board_uart_write(payload, length);
    }
    mg_board_uart_write(crc, MG_PROTO_CRC_BYTES);
}

static void send_error(uint8_t seq, uint8_t code, uint8_t command, const char *message)
{
    uint16_t n = 0;
    mg_bench_tx[n++] = code;
    mg_bench_tx[n++] = command;
    while (message[0] != '\0' && n < 128u) {
        mg_bench_tx[n++] = (uint8_t)*message++;
    }
    send_frame(MG_MSG_ERROR, seq, mg_bench_tx, n);
}

static uint16_t copy_text(uint8_t *out, const char *text, uint16_t max)
{
    uint16_t n = 0;
    while (text[n] != '\0' && n < max) {
        out[n] = (uint8_t)text[n];
        n++;
    }
    return n;
}

static void send_ready(uint8_t seq)
{
    uint8_t *p = mg_bench_tx;
    uint8_t flags = (uint8_t)((MG_BOARD_COUNTS_INSTRUCTIONS ? 1u : 0u) | (MG_BOARD_EMULATED ? 2u : 0u) |
                              (MG_MODELS_TABLE_CONCURRENT ? 4u : 0u));
    *p++ = MG_PROTO_VERSION;
    *p++ = flags;
    mg_put_u32(p, (uint32_t)MG_BOARD_COUNTER_HZ);
    p += 4;
    mg_put_u32(p, (uint32_t)MG_MODELS_TABLE_ARENA_BYTES); /* all models, every RAM region */
    p += 4;
    *p++ = (uint8_t)NUM_MODELS;
    for (int m = 0; m < NUM_MODELS; m++) { /* the generator checked that they fit one payload */
        const mg_model_entry *model = &mg_models_table[m];
        *p++ = (uint8_t)model->num_inputs;
        *p++ = (uint8_t)model->num_outputs;
        mg_put_u16(p, (uint16_t)model->num_layers);
        p += 2;
        uint16_t hash_len = copy_text(p, model->sha256, 16);
        for (; hash_len < 16; hash_len++) {
            p[hash_len] = 0;
        }
        p += 16;
        for (int i = 0; i < model->num_inputs; i++, p += 4) {
            mg_put_u32(p, (uint32_t)model->input_info[i].bytes);
        }
        for (int i = 0; i < model->num_outputs; i++, p += 4) {
            mg_put_u32(p, (uint32_t)model->output_info[i].bytes);
        }
        uint8_t name_len = (uint8_t)copy_text(p + 1, model->name, 40);
        *p = name_len;
        p += 1 + name_len;
    }
    uint8_t name_len = (uint8_t)copy_text(p + 1, mg_board_name, 64);
    *p = name_len;
    p += 1 + name_len;
    send_frame(MG_MSG_READY, seq, mg_bench_tx, (uint16_t)(p - mg_bench_tx));
}

/* The model a command's first payload byte names, or NULL (and an error sent) when there is no
 * such model. */
static const mg_model_entry *pick_model(uint8_t seq, uint8_t command, const uint8_t *in, uint16_t len)
{
    if (len < 1 || in[0] >= NUM_MODELS) {
        send_error(seq, MG_PROTO_ERR_BAD_ARGUMENT, command, "bad model index");
        return 0;
    }
    return &mg_models_table[in[0]];
}

/* The address of a local in a frame below the caller's: everything beneath it is unused stack. */
static __attribute__((noinline)) uintptr_t unused_stack_top(void)
{
    volatile uint8_t mark = 0;
    volatile uintptr_t where = (uintptr_t)&mark; /* through a volatile: clang warns on &mark returned */
    return where;
}

/* Fill the unused stack (below any live frame) with a pattern; after the run, the lowest byte
 * that lost the pattern marks the deepest point the model reached. Called at the same depth as
 * the invoke, so the invoke's frames land in the painted part. */
static __attribute__((noinline)) void paint_stack(void)
{
    uint8_t *lo;
    uint8_t *hi;
    mg_board_stack_region(&lo, &hi);
    if (lo == 0 || hi <= lo) {
        return;
    }
    uintptr_t limit = unused_stack_top() - STACK_PAINT_MARGIN;
    for (volatile uint8_t *q = lo; (uintptr_t)q < limit && q < hi; q++) {
        *q = STACK_PAINT;
    }
}

static uint32_t stack_region_bytes(void)
{
    uint8_t *lo;
    uint8_t *hi;
    mg_board_stack_region(&lo, &hi);
    return (lo == 0 || hi <= lo) ? 0u : (uint32_t)(hi - lo);
}

static uint32_t measure_stack(void)
{
    uint8_t *lo;
    uint8_t *hi;
    mg_board_stack_region(&lo, &hi);
    if (lo == 0 || hi <= lo) {
        return 0;
    }
    const volatile uint8_t *q = lo;
    while (q < hi && *q == STACK_PAINT) {
        q++;
    }
    return (uint32_t)(hi - (const uint8_t *)q);
}

static void do_load_input(uint8_t seq, const uint8_t *in, uint16_t len)
{
    const mg_model_entry *model = pick_model(seq, MG_MSG_LOAD_INPUT, in, len);
    if (model == 0) {
        return;
    }
    if (len < 6 || in[1] >= model->num_inputs) {
        send_error(seq, MG_PROTO_ERR_BAD_ARGUMENT, MG_MSG_LOAD_INPUT, "bad input index");
        return;
    }
    uint32_t offset = mg_get_u32(&in[2]);
    uint32_t count = (uint32_t)len - 6u;
    uint32_t size = (uint32_t)model->input_info[in[1]].bytes;
    if (offset > size || count > size - offset) {
        send_error(seq, MG_PROTO_ERR_BAD_ARGUMENT, MG_MSG_LOAD_INPUT, "data beyond the input");
        return;
    }
    int8_t *dst = model->input(in[1]);
    for (uint32_t i = 0; i < count; i++) {
        dst[offset + i] = (int8_t)in[6 + i];
    }
    send_frame(MG_MSG_ACK, seq, mg_bench_tx, 0);
}

/* Boards whose emulated timer ticks every N instructions (QEMU mps2: 40) restart it here, so every
 * run starts at the same timer phase and counts repeat exactly, however long the firmware polled
 * the UART before. The glue overrides this default; elsewhere it does nothing. */
__attribute__((weak)) void mg_board_counter_restart(void)
{
}

static void do_run(uint8_t seq, const uint8_t *in, uint16_t len)
{
    const mg_model_entry *model = pick_model(seq, MG_MSG_RUN, in, len);
    if (model == 0) {
        return;
    }
    if (len != 1) {
        send_error(seq, MG_PROTO_ERR_BAD_ARGUMENT, MG_MSG_RUN, "RUN takes the model index only");
        return;
    }
    for (uint32_t i = 0; i < (uint32_t)MAX_LAYERS; i++) {
        mg_bench_layer_ticks[i] = 0;
    }
    mg_bench_last_model = in[0];
    paint_stack();
    mg_board_counter_restart();
    uint32_t start = mg_board_counter_read();
    int status = model->invoke();
    uint32_t ticks = mg_board_counter_read() - start;
    mg_bench_stack_peak = measure_stack();
    mg_put_u32(mg_bench_tx, (uint32_t)status);
    mg_put_u32(mg_bench_tx + 4, ticks);
    send_frame(MG_MSG_RESULT, seq, mg_bench_tx, 8);
}

static void do_read_output(uint8_t seq, const uint8_t *in, uint16_t len)
{
    const mg_model_entry *model = pick_model(seq, MG_MSG_READ_OUTPUT, in, len);
    if (model == 0) {
        return;
    }
    if (len != 8 || in[1] >= model->num_outputs) {
        send_error(seq, MG_PROTO_ERR_BAD_ARGUMENT, MG_MSG_READ_OUTPUT, "bad output index");
        return;
    }
    uint32_t offset = mg_get_u32(&in[2]);
    uint32_t count = mg_get_u16(&in[6]);
    uint32_t size = (uint32_t)model->output_info[in[1]].bytes;
    if (count > MG_PROTO_MAX_PAYLOAD || offset > size || count > size - offset) {
        send_error(seq, MG_PROTO_ERR_BAD_ARGUMENT, MG_MSG_READ_OUTPUT, "range beyond the output");
        return;
    }
    const int8_t *src = model->output(in[1]);
    send_frame(MG_MSG_OUTPUT, seq, (const uint8_t *)src + offset, (uint16_t)count);
}

static void do_read_layers(uint8_t seq, const uint8_t *in, uint16_t len)
{
    const mg_model_entry *model = pick_model(seq, MG_MSG_READ_LAYERS, in, len);
    if (model == 0) {
        return;
    }
    if (mg_bench_last_model != NO_RUN && mg_bench_last_model != in[0]) {
        send_error(seq, MG_PROTO_ERR_BAD_ARGUMENT, MG_MSG_READ_LAYERS, "the last RUN was of another model");
        return;
    }
    uint32_t layers = (uint32_t)model->num_layers;
    uint32_t first = len == 5 ? mg_get_u16(&in[1]) : 0xFFFFFFFFu;
    uint32_t count = len == 5 ? mg_get_u16(&in[3]) : 0;
    if (first > layers || count > (MG_PROTO_MAX_PAYLOAD - 4u) / 4u || count > layers - first) {
        send_error(seq, MG_PROTO_ERR_BAD_ARGUMENT, MG_MSG_READ_LAYERS, "bad layer range");
        return;
    }
    mg_put_u16(mg_bench_tx, (uint16_t)first);
    mg_put_u16(mg_bench_tx + 2, (uint16_t)count);
    for (uint32_t i = 0; i < count; i++) {
        mg_put_u32(mg_bench_tx + 4 + 4 * i, mg_bench_layer_ticks[first + i]);
    }
    send_frame(MG_MSG_LAYERS, seq, mg_bench_tx, (uint16_t)(4u + 4u * count));
}

static void do_read_names(uint8_t seq, const uint8_t *in, uint16_t len)
{
    const mg_model_entry *model = pick_model(seq, MG_MSG_READ_NAMES, in, len);
    if (model == 0) {
        return;
    }
    uint32_t layers = (uint32_t)model->num_layers;
    uint32_t first = len == 3 ? mg_get_u16(&in[1]) : 0xFFFFFFFFu;
    if (first > layers) {
        send_error(seq, MG_PROTO_ERR_BAD_ARGUMENT, MG_MSG_READ_NAMES, "bad layer index");
        return;
    }
    uint16_t n = 4;
    uint16_t count = 0;
    for (uint32_t i = first; i < layers; i++) {
        const char *name = model->layer_names[i];
        uint16_t size = 0;
        while (name[size] != '\0' && size < 64u) {
            size++;
        }
        if (n + size + 1u > MG_PROTO_MAX_PAYLOAD) {
            break;
        }
        n = (uint16_t)(n + copy_text(mg_bench_tx + n, name, size));
        mg_bench_tx[n++] = 0;
        count++;
    }
    mg_put_u16(mg_bench_tx, (uint16_t)first);
    mg_put_u16(mg_bench_tx + 2, count);
    send_frame(MG_MSG_NAMES, seq, mg_bench_tx, n);
}

static void do_reset_state(uint8_t seq, const uint8_t *in, uint16_t len)
{
    const mg_model_entry *model = pick_model(seq, MG_MSG_RESET_STATE, in, len);
    if (model == 0) {
        return;
    }
    model->reset_state();
    send_frame(MG_MSG_ACK, seq, mg_bench_tx, 0);
}

static void handle(const mg_proto_parser *p)
{
    switch (p->type) {
    case MG_MSG_HELLO:
        send_ready(p->seq);
        break;
    case MG_MSG_LOAD_INPUT:
        do_load_input(p->seq, p->payload, p->length);
        break;
    case MG_MSG_RUN:
        do_run(p->seq, p->payload, p->length);
        break;
    case MG_MSG_READ_OUTPUT:
        do_read_output(p->seq, p->payload, p->length);
        break;
    case MG_MSG_READ_LAYERS:
        do_read_layers(p->seq, p->payload, p->length);
        break;
    case MG_MSG_READ_STACK:
        mg_put_u32(mg_bench_tx, mg_bench_stack_peak);
        mg_put_u32(mg_bench_tx + 4, stack_region_bytes());
        send_frame(MG_MSG_STACK, p->seq, mg_bench_tx, 8);
        break;
    case MG_MSG_READ_NAMES:
        do_read_names(p->seq, p->payload, p->length);
        break;
    case MG_MSG_RESET_STATE:
        do_reset_state(p->seq, p->payload, p->length);
        break;
    case MG_MSG_EXIT:
        send_frame(MG_MSG_ACK, p->seq, mg_bench_tx, 0);
        mg_board_exit(0);
        break;
    default:
        send_error(p->seq, MG_PROTO_ERR_UNKNOWN_COMMAND, p->type, "unknown command");
        break;
    }
}

int main(void)
{
    mg_board_init();
    mg_bench_last_model = NO_RUN;
    mg_proto_parser_init(&mg_bench_parser);
    send_ready(0);
    for (;;) {
        uint8_t byte = (uint8_t)mg_board_uart_read_byte();
        switch (mg_proto_parser_push(&mg_bench_parser, byte)) {
        case MG_PARSE_FRAME:
            handle(&mg_bench_parser);
            break;
        case MG_PARSE_BAD_CRC:
            send_error(mg_bench_parser.seq, MG_PROTO_ERR_BAD_CRC, 0, "frame CRC mismatch");
            break;
        case MG_PARSE_BAD_VERSION:
            send_error(mg_bench_parser.seq, MG_PROTO_ERR_BAD_VERSION, 0, "protocol version 2 only");
            break;
        default:
            break;
        }
    }
}
