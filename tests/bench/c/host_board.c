/* Host "board" for testing the bench firmware without an emulator: the UART is a TCP socket.
 *
 * mg_board_init listens on 127.0.0.1 (port 0: the kernel picks), prints "PORT <n>" on stdout
 * and accepts one connection, so the host client talks to it exactly as to QEMU's serial socket.
 * Test-only fault switches (environment):
 *   MG_HOST_GARBAGE=1          write a few garbage bytes before every frame the board sends
 *   MG_HOST_CORRUPT=N          flip a bit after the header of the N-th reply (READY not counted)
 *   MG_HOST_RESET_AFTER=N      after N received bytes the "board resets": the process re-executes
 *                              itself on the same connection (MG_HOST_FD) and announces READY again
 */
#define _POSIX_C_SOURCE 200809L
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "mg_board.h"

const char mg_board_name[] = "host";

static int conn = -1;
static long received;
static long reset_after = -1;
static int garbage;
static long corrupt_frame = -1;
static long frames_sent;
static int corrupt_next;

static void die(const char *what)
{
    perror(what);
    exit(70);
}

void mg_board_init(void)
{
    const char *fd = getenv("MG_HOST_FD");
    const char *reset = getenv("MG_HOST_RESET_AFTER");
    garbage = getenv("MG_HOST_GARBAGE") != NULL;
    corrupt_frame = getenv("MG_HOST_CORRUPT") ? atol(getenv("MG_HOST_CORRUPT")) : -1;
    if (fd != NULL) {
        conn = atoi(fd); /* after a "reset": keep the connection, never reset twice */
        return;
    }
    reset_after = reset ? atol(reset) : -1;
    int srv = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (srv < 0 || bind(srv, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(srv, 1) != 0 ||
        getsockname(srv, (struct sockaddr *)&addr, &len) != 0) {
        die("listen");
    }
    printf("PORT %d\n", ntohs(addr.sin_port));
    fflush(stdout);
    conn = accept(srv, NULL, NULL);
    if (conn < 0) {
        die("accept");
    }
    close(srv);
    int one = 1;
    setsockopt(conn, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

void mg_board_uart_write(const uint8_t *data, uint32_t len)
{
    static const uint8_t noise[] = {0x00, 0xA5, 0x13, 0xA5, 0x5A, 0x01, 0xFF, '\n'};
    int frame_start = len >= 2 && data[0] == 0xA5 && data[1] == 0x5A;
    if (garbage && frame_start && write(conn, noise, sizeof noise) != (ssize_t)sizeof noise) {
        exit(0);
    }
    if (corrupt_next && len > 0) {
        uint8_t first = (uint8_t)(data[0] ^ 0x10u);
        corrupt_next = 0;
        if (write(conn, &first, 1) != 1) {
            exit(0);
        }
        data++;
        len--;
    }
    if (frame_start && len >= 4 && data[3] != 0x80 && ++frames_sent == corrupt_frame) {
        corrupt_next = 1;
    }
    while (len > 0) {
        ssize_t n = write(conn, data, len);
        if (n <= 0) {
            exit(0); /* the host went away */
        }
        data += n;
        len -= (uint32_t)n;
    }
}

int mg_board_uart_read_byte(void)
{
    uint8_t byte;
    if (read(conn, &byte, 1) != 1) {
        exit(0);
    }
    if (reset_after >= 0 && ++received >= reset_after) {
        char fd[16];
        snprintf(fd, sizeof fd, "%d", conn);
        setenv("MG_HOST_FD", fd, 1);
        execl("/proc/self/exe", "bench_host", (char *)NULL);
        die("exec");
    }
    return byte;
}

uint32_t mg_board_counter_read(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
}

void mg_board_exit(int status)
{
    exit(status);
}

void mg_board_stack_region(uint8_t **lo, uint8_t **hi)
{
    *lo = NULL; /* no painting on the host: the sanitizers own the stack */
    *hi = NULL;
}
