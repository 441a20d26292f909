/* Test shim over the firmware's frame parser, for ctypes (and an ASan batch driver):
 * run a fresh parser over `data` and record every event as
 *   u8 result, u8 type, u8 seq, u16 length, payload (only for MG_PARSE_FRAME)
 * into out[cap]. Returns the bytes written, or -1 if out was too small. The parser's fill is
 * checked after every byte against the bound the protocol promises. */
#include <stdint.h>
#include <stdlib.h>

#include "mg_bench_proto.h"

int32_t mg_fuzz_feed(const uint8_t *data, uint32_t len, uint8_t *out, uint32_t cap)
{
    mg_proto_parser parser;
    uint32_t n = 0;
    mg_proto_parser_init(&parser);
    for (uint32_t i = 0; i < len; i++) {
        mg_parse_result r = mg_proto_parser_push(&parser, data[i]);
        if (parser.fill >= MG_PROTO_MAX_FRAME) {
            abort();
        }
        if (r == MG_PARSE_MORE) {
            continue;
        }
        uint32_t body = r == MG_PARSE_FRAME ? parser.length : 0u;
        if (n + 5u + body > cap) {
            return -1;
        }
        out[n++] = (uint8_t)r;
        out[n++] = parser.type;
        out[n++] = parser.seq;
        mg_put_u16(&out[n], parser.length);
        n += 2;
        for (uint32_t k = 0; k < body; k++) {
            out[n++] = parser.payload[k];
        }
    }
    return (int32_t)n;
}

uint32_t mg_fuzz_encode(uint8_t *out, uint32_t cap, uint8_t type, uint8_t seq,
                        const uint8_t *payload, uint16_t length)
{
    return mg_proto_encode(out, cap, type, seq, payload, length);
}
