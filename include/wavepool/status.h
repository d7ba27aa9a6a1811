/**
 * @file
 * wavepool: status codes shared by every module.
 *
 * Every fallible wavepool call returns a wp_status. WP_OK is zero, errors
 * are negative, and WP_PENDING (positive) is not an error: it is what a
 * non-blocking poll answers while work is still running.
 *
 * Thread safety: wp_strerror() is pure and may be called from any thread,
 * including the real-time audio thread (it returns static strings).
 */
#ifndef WAVEPOOL_STATUS_H
#define WAVEPOOL_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define WP_NODISCARD __attribute__((warn_unused_result))
#else
/**
 * Marks a function whose result must not be ignored.
 *
 * With GCC and Clang it expands to `__attribute__((warn_unused_result))`,
 * so dropping a returned wp_status is a compiler warning; with other
 * compilers (and for Doxygen) it expands to nothing.
 */
#define WP_NODISCARD
#endif

/**
 * Result of a fallible wavepool call.
 *
 * WP_OK is zero, errors are negative, WP_PENDING is positive and not an
 * error. wp_strerror() gives a short English description of each value.
 */
typedef enum wp_status {
    WP_PENDING = 1,                 /**< not finished yet (poll only) */
    WP_OK = 0,                      /**< success */
    WP_ERR_INVALID_ARGUMENT = -1,   /**< NULL pointer, zero length, out-of-range value */
    WP_ERR_OUT_OF_MEMORY = -2,      /**< an allocation failed */
    WP_ERR_UNSUPPORTED_SIZE = -3,   /**< e.g.\ an FFT size the plan cannot factor */
    WP_ERR_CANCELLED = -4,          /**< a task stopped because cancel was requested */
    WP_ERR_NOT_FINITE = -5,         /**< input holds NaN or Inf where finite data is required */
    WP_ERR_THREAD = -6,             /**< a worker thread could not be started */
    WP_ERR_SHUTDOWN = -7,           /**< the pool was destroyed before the task ran */
    WP_ERR_TASK_FAILED = -8,        /**< a task failed without a more specific status */
    WP_ERR_OUT_OF_RANGE = -9        /**< a parameter outside its documented range (never clamped) */
} wp_status;

/**
 * A short English description of @p status; never NULL.
 *
 * Unknown values give "unknown status". Pure; any thread, real-time safe.
 *
 * @param[in] status  any value, also one that is not a wp_status member.
 * @return a static, NUL-terminated string (the caller must not free it).
 */
const char *wp_strerror(wp_status status);

#ifdef __cplusplus
}
#endif

#endif
