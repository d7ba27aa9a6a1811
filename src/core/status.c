#include "wavepool/status.h"

const char *wp_strerror(wp_status status)
{
    switch (status) {
    case WP_PENDING: return "pending";
    case WP_OK: return "ok";
    case WP_ERR_INVALID_ARGUMENT: return "invalid argument";
    case WP_ERR_OUT_OF_MEMORY: return "out of memory";
    case WP_ERR_UNSUPPORTED_SIZE: return "unsupported size";
    case WP_ERR_CANCELLED: return "cancelled";
    case WP_ERR_NOT_FINITE: return "input contains NaN or infinity";
    case WP_ERR_THREAD: return "a worker thread could not be started";
    case WP_ERR_SHUTDOWN: return "the pool shut down before the task ran";
    case WP_ERR_TASK_FAILED: return "task failed";
    case WP_ERR_OUT_OF_RANGE: return "parameter out of range";
    }
    return "unknown status";
}
