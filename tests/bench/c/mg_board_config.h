/* Host test board: the counter is CLOCK_MONOTONIC in nanoseconds. */
#define MG_BOARD_COUNTER_HZ 1000000000u
#define MG_BOARD_COUNTS_INSTRUCTIONS 0
#define MG_BOARD_EMULATED 0
