/* Where an ESP-IDF build puts the model's memory (named by MG_MEMORY_HEADER, see mg_types.h).
 *
 * The arena and the persistent state: internal SRAM, zeroed at boot, also on boards with PSRAM.
 * ESP-IDF's linker generation maps every input section `.bss.*` to `.dram0.bss` (esp_common's
 * common.lf `[sections:bss] .bss+`, esp_system's app.lf `bss -> dram0_bss`); external RAM only takes
 * `.ext_ram.bss*` (EXT_RAM_BSS_ATTR). DRAM_ATTR would also be internal, but as initialised data:
 * the arena's bytes would be stored in the flash image and copied at boot.
 *
 * The weights and other constants: flash, read through the cache (`.rodata.*` maps to
 * `flash_rodata`, DROM), unless CONFIG_SPIRAM_RODATA copies rodata to PSRAM: sdkconfig.defaults
 * turns that off. */
#ifndef MG_ESPIDF_MEMORY_H
#define MG_ESPIDF_MEMORY_H

#define MG_ARENA_ATTR __attribute__((section(".bss.mcugen_arena")))
#define MG_WEIGHTS_ATTR __attribute__((section(".rodata.mcugen_weights")))

#endif /* MG_ESPIDF_MEMORY_H */
