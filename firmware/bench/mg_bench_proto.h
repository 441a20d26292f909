/* The bench serial protocol, firmware side: CRCs, frame encoding and a bounded, resynchronising
 * frame parser. The format is specified in docs/protocol.md; mcugen/bench/protocol.py is the
 * host's twin. No board dependencies, so the host builds and fuzzes this file as it is.
 */
#ifndef MG_BENCH_PROTO_H
#define MG_BENCH_PROTO_H

#include <stdint.h>

#define MG_PROTO_VERSION 2u
#define MG_PROTO_MAGIC0 0xA5u
#define MG_PROTO_MAGIC1 0x5Au
#define MG_PROTO_HEADER_BYTES 8u
#define MG_PROTO_CRC_BYTES 4u
#define MG_PROTO_MAX_PAYLOAD 1024u
#define MG_PROTO_MAX_FRAME (MG_PROTO_HEADER_BYTES + MG_PROTO_MAX_PAYLOAD + MG_PROTO_CRC_BYTES)

enum {
    MG_MSG_HELLO = 0x01,
    MG_MSG_LOAD_INPUT = 0x02,
    MG_MSG_RUN = 0x03,
    MG_MSG_READ_OUTPUT = 0x04,
    MG_MSG_READ_LAYERS = 0x05,
    MG_MSG_READ_STACK = 0x06,
    MG_MSG_READ_NAMES = 0x07,
    MG_MSG_EXIT = 0x08,
    MG_MSG_RESET_STATE = 0x09,
    MG_MSG_READY = 0x80,
    MG_MSG_ACK = 0x81,
    MG_MSG_RESULT = 0x82,
    MG_MSG_OUTPUT = 0x83,
    MG_MSG_LAYERS = 0x84,
    MG_MSG_STACK = 0x85,
    MG_MSG_NAMES = 0x86,
    MG_MSG_ERROR = 0xEE
};

enum {
    MG_PROTO_ERR_BAD_CRC = 1,
    MG_PROTO_ERR_BAD_VERSION = 2,
    MG_PROTO_ERR_UNKNOWN_COMMAND = 3,
    MG_PROTO_ERR_BAD_ARGUMENT = 4
};

/* What mg_proto_parser_push reports after each byte. */
typedef enum {
    MG_PARSE_MORE = 0,        /* nothing complete yet */
    MG_PARSE_FRAME = 1,       /* a valid frame: type, seq, payload, length are set */
    MG_PARSE_BAD_CRC = 2,     /* a frame with an intact header but a wrong CRC-32: dropped */
    MG_PARSE_BAD_VERSION = 3  /* a valid frame of another protocol version: dropped */
} mg_parse_result;

typedef struct {
    uint8_t buf[MG_PROTO_MAX_FRAME];
    uint32_t fill;
    /* valid after MG_PARSE_FRAME (type and seq also after the two errors) */
    uint8_t type;
    uint8_t seq;
    uint16_t length;
    const uint8_t *payload;
} mg_proto_parser;

uint8_t mg_proto_crc8(const uint8_t *data, uint32_t len);
uint32_t mg_proto_crc32_update(uint32_t crc, const uint8_t *data, uint32_t len);
uint32_t mg_proto_crc32(const uint8_t *data, uint32_t len);

void mg_proto_parser_init(mg_proto_parser *p);

/* Feed one received byte. After MG_PARSE_FRAME the payload stays valid until the next push. */
mg_parse_result mg_proto_parser_push(mg_proto_parser *p, uint8_t byte);

/* Fill the 8 header bytes of a frame (version MG_PROTO_VERSION). */
void mg_proto_header(uint8_t header[MG_PROTO_HEADER_BYTES], uint8_t type, uint8_t seq, uint16_t length);

/* CRC-32 of a frame with this header and payload (what follows the payload, little-endian). */
uint32_t mg_proto_frame_crc(const uint8_t header[MG_PROTO_HEADER_BYTES], const uint8_t *payload,
                            uint16_t length);

/* Encode a whole frame into out[cap]; returns its size, or 0 when it does not fit. */
uint32_t mg_proto_encode(uint8_t *out, uint32_t cap, uint8_t type, uint8_t seq,
                         const uint8_t *payload, uint16_t length);

/* Little-endian helpers for payloads. */
static inline void mg_put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void mg_put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static inline uint16_t mg_get_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t mg_get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

#endif /* MG_BENCH_PROTO_H */
