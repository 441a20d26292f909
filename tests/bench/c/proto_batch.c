/* ASan/UBSan driver: feed all of stdin through the parser (via the shim), print the number of
 * events. Used to push megabytes of hostile input through the C parser in one process. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int32_t mg_fuzz_feed(const uint8_t *data, uint32_t len, uint8_t *out, uint32_t cap);

int main(void)
{
    static uint8_t in[1 << 22];
    static uint8_t out[1 << 24];
    size_t len = fread(in, 1, sizeof in, stdin);
    int32_t n = mg_fuzz_feed(in, (uint32_t)len, out, sizeof out);
    printf("%ld %ld\n", (long)len, (long)n);
    return n < 0;
}
