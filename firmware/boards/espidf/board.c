/* Board glue for the ESP32 family on ESP-IDF (esp32, esp32s3, esp32c3): UART0 through the IDF
 * UART driver, the CPU cycle counter, and app_main() running the firmware's main(). */
#include <stdint.h>

#include "driver/uart.h"
#include "esp_cpu.h"
#include "esp_idf_version.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "sdkconfig.h"

#include "mg_board.h"
#include "mg_board_exit_report.h"

#define MG_UART UART_NUM_0
#define MG_UART_RX_BUFFER 2048

const char mg_board_name[] = MG_BOARD_NAME;

int main(void);

void mg_board_init(void)
{
    const uart_config_t config = {
        .baud_rate = (int)MG_BOARD_BAUD,
        .data_bits = UART_DATA_8_BITS,
        .parity = UART_PARITY_DISABLE,
        .stop_bits = UART_STOP_BITS_1,
        .flow_ctrl = UART_HW_FLOWCTRL_DISABLE,
        .source_clk = UART_SCLK_DEFAULT,
    };
    ESP_ERROR_CHECK(uart_driver_install(MG_UART, MG_UART_RX_BUFFER, 0, 0, NULL, 0));
    ESP_ERROR_CHECK(uart_param_config(MG_UART, &config));
}

void mg_board_uart_write(const uint8_t *data, uint32_t len)
{
    uart_write_bytes(MG_UART, data, len);
    uart_wait_tx_done(MG_UART, portMAX_DELAY);
}

int mg_board_uart_read_byte(void)
{
    uint8_t byte = 0;
    while (uart_read_bytes(MG_UART, &byte, 1, portMAX_DELAY) != 1) {
    }
    return (int)byte;
}

uint32_t mg_board_counter_read(void)
{
    return (uint32_t)esp_cpu_get_cycle_count();
}

void mg_board_exit(int status)
{
    mg_board_report_exit(status);
    for (;;) {
        vTaskDelay(portMAX_DELAY);
    }
}

void mg_board_stack_region(uint8_t **lo, uint8_t **hi)
{
    /* main() runs in IDF's main task, whose stack size sdkconfig.defaults sets. */
#if ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(6, 0, 0) /* pxTaskGetStackStart is deprecated there */
    *lo = (uint8_t *)xTaskGetStackStart(xTaskGetCurrentTaskHandle());
#else
    *lo = pxTaskGetStackStart(xTaskGetCurrentTaskHandle());
#endif
    *hi = *lo + CONFIG_ESP_MAIN_TASK_STACK_SIZE;
}

void app_main(void)
{
    mg_board_exit(main());
}
