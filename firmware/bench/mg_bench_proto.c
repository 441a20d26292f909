/* Bench protocol framing (docs/protocol.md): CRCs, encoder, bounded resynchronising parser. */
/* Protocol and command code is cold (only the model's invoke is timed, and the model's files
 * keep the board's -O2): built for size, it leaves ~0.9 KB more flash to the model. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("Os")
#endif
#include "mg_bench_proto.h"

uint8_t mg_proto_crc8(const uint8_t *data, uint32_t len)
{
    uint8_t crc = 0;
    for (uint32_t i = 0; i < len; i++) {
        crc ^= data[i];
        for (int bit = 0; bit < 8; bit++) {
            crc = (crc & 0x80u) ? (uint8_t)((crc << 1) ^ 0x07u) : (uint8_t)(crc << 1);
        }
    }
    return crc;
}

/* Bitwise CRC-32 (reflected 0xEDB88320): no table, so no 1 KB of flash for a rarely hot path. */
uint32_t mg_proto_crc32_update(uint32_t crc, const uint8_t *data, uint32_t len)
{
    crc = ~crc;
    for (uint32_t i = 0; i < len; i++) {
        crc ^= data[i];
        for (int bit = 0; bit < 8; bit++) {
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}

uint32_t mg_proto_crc32(const uint8_t *data, uint32_t len)
{
    return mg_proto_crc32_update(0, data, len);
}

void mg_proto_header(uint8_t header[MG_PROTO_HEADER_BYTES], uint8_t type, uint8_t seq, uint16_t length)
{
    header[0] = MG_PROTO_MAGIC0;
    header[1] = MG_PROTO_MAGIC1;
    header[2] = MG_PROTO_VERSION;
    header[3] = type;
    header[4] = seq;
    mg_put_u16(&header[5], length);
    header[7] = mg_proto_crc8(header, 7);
}

uint32_t mg_proto_frame_crc(const uint8_t header[MG_PROTO_HEADER_BYTES], const uint8_t *payload,
                            uint16_t length)
{
    uint32_t crc = mg_proto_crc32_update(0, &header[2], MG_PROTO_HEADER_BYTES - 2);
    return mg_proto_crc32_update(crc, payload, length);
}

uint32_t mg_proto_encode(uint8_t *out, uint32_t cap, uint8_t type, uint8_t seq,
                         const uint8_t *payload, uint16_t length)
{
    uint32_t total = MG_PROTO_HEADER_BYTES + (uint32_t)length + MG_PROTO_CRC_BYTES;
    if (length > MG_PROTO_MAX_PAYLOAD || total > cap) {
        return 0;
    }
    mg_proto_header(out, type, seq, length);
    for (uint32_t i = 0; i < length; i++) {
        out[MG_PROTO_HEADER_BYTES + i] = payload[i];
    }
    mg_put_u32(&out[MG_PROTO_HEADER_BYTES + length], mg_proto_frame_crc(out, payload, length));
    return total;
}

void mg_proto_parser_init(mg_proto_parser *p)
{
    p->fill = 0;
    p->type = 0;
    p->seq = 0;
    p->length = 0;
    p->payload = p->buf;
}

static int header_prefix_ok(const mg_proto_parser *p)
{
    const uint8_t *b = p->buf;
    if (b[0] != MG_PROTO_MAGIC0) {
        return 0;
    }
    if (p->fill >= 2 && b[1] != MG_PROTO_MAGIC1) {
        return 0;
    }
    if (p->fill >= MG_PROTO_HEADER_BYTES) {
        return mg_proto_crc8(b, 7) == b[7] && mg_get_u16(&b[5]) <= MG_PROTO_MAX_PAYLOAD;
    }
    return 1;
}

/* Drop leading bytes until the buffer holds a plausible start of a header. Only runs while
 * fill <= MG_PROTO_HEADER_BYTES, so the shifting is over at most 8 bytes. */
static void resync(mg_proto_parser *p)
{
    while (p->fill > 0 && !header_prefix_ok(p)) {
        for (uint32_t i = 1; i < p->fill; i++) {
            p->buf[i - 1] = p->buf[i];
        }
        p->fill--;
    }
}

mg_parse_result mg_proto_parser_push(mg_proto_parser *p, uint8_t byte)
{
    if (p->fill >= MG_PROTO_MAX_FRAME) {
        p->fill = 0; /* unreachable: a frame completes at MG_PROTO_MAX_FRAME at the latest */
    }
    p->buf[p->fill++] = byte;
    if (p->fill <= MG_PROTO_HEADER_BYTES) {
        resync(p);
        return MG_PARSE_MORE;
    }
    uint16_t length = mg_get_u16(&p->buf[5]);
    uint32_t total = MG_PROTO_HEADER_BYTES + (uint32_t)length + MG_PROTO_CRC_BYTES;
    if (p->fill < total) {
        return MG_PARSE_MORE;
    }
    p->fill = 0; /* the bytes stay in buf until the next push */
    p->type = p->buf[3];
    p->seq = p->buf[4];
    p->length = length;
    p->payload = &p->buf[MG_PROTO_HEADER_BYTES];
    uint32_t crc = mg_get_u32(&p->buf[MG_PROTO_HEADER_BYTES + length]);
    if (crc != mg_proto_frame_crc(p->buf, p->payload, length)) {
        return MG_PARSE_BAD_CRC;
    }
    if (p->buf[2] != MG_PROTO_VERSION) {
        return MG_PARSE_BAD_VERSION;
    }
    return MG_PARSE_FRAME;
}
