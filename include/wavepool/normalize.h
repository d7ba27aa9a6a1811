/** @file
 * @brief wavepool: normalization of a whole buffer: peak, RMS or loudness.
 *
 * Modes and their unit (target and the report's before/after):
 *
 * ~~~
 *   WP_NORMALIZE_PEAK      sample peak, dBFS (largest |sample| of any channel)
 *   WP_NORMALIZE_RMS       RMS over all channels and frames, dBFS
 *                          (20 log10 rms: a full-scale sine reads -3.01)
 *   WP_NORMALIZE_LOUDNESS  integrated loudness, LUFS (ITU-R BS.1770-4)
 * ~~~
 *
 * Targets: peak and RMS -80..0 dBFS, loudness -70..0 LUFS. The gain is
 * target - measured, at most max_gain_db (0..60 dB, default 40), so silence
 * and near-silence never get an absurd gain. A buffer with nothing to
 * measure (peak or RMS of exact silence, or no gating block above -70
 * LUFS) is left alone: gain 0, `silent` set.
 *
 * True-peak ceiling (dBTP, -24..0, or NAN for none): when the gain would
 * push the true peak (oversampled 4x below 96 kHz, 2x below 192 kHz, see
 * truepeak.h) above it, the policy decides: WP_NORMALIZE_CAP lowers the gain
 * so the peak lands on the ceiling (`capped`), WP_NORMALIZE_LIMIT keeps the
 * gain and runs the look-ahead true-peak limiter (limiter.h) at the ceiling
 * (`limited`); a loudness target is then re-measured and the gain corrected
 * (up to three passes, stopping within 0.02 LU of the target or where the
 * correction would exceed max_gain_db) so the result still meets the target
 * where the limiter allows. The limiter's latency is compensated: output
 * frame i is input frame i.
 *
 * Channels: 1..WP_DSP_MAX_CHANNELS, rate WP_DSP_MIN_RATE..WP_DSP_MAX_RATE.
 * The limiter handles 1 or 2 channels only (limiter.h): with 3 or more
 * channels, the WP_NORMALIZE_LIMIT path (a ceiling that the gain would
 * exceed) fails with WP_ERR_OUT_OF_RANGE and the input is put back; use
 * WP_NORMALIZE_CAP or no ceiling for such buffers.
 *
 * Memory: allocates analyzers (and, with the limiter, one copy of the
 * input) for the duration of the call. Not real-time safe. Serial: the task
 * engine (jobs.h) splits the measuring across workers itself. Every function
 * may be called from any thread; calls on different buffers are independent.
 */
#ifndef WAVEPOOL_NORMALIZE_H
#define WAVEPOOL_NORMALIZE_H

#include <stddef.h>

#include "wavepool/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What is measured and brought to the target. */
typedef enum wp_normalize_mode {
    WP_NORMALIZE_PEAK = 0,  /**< sample peak, dBFS; target -80..0 */
    WP_NORMALIZE_RMS,       /**< RMS over all channels and frames, dBFS; target -80..0 */
    WP_NORMALIZE_LOUDNESS   /**< integrated loudness (BS.1770-4), LUFS; target -70..0 */
} wp_normalize_mode;

/** What happens when the gain would push the true peak above the ceiling. */
typedef enum wp_normalize_policy {
    WP_NORMALIZE_LIMIT = 0, /**< keep the gain, run the true-peak limiter at the ceiling */
    WP_NORMALIZE_CAP        /**< lower the gain so the true peak lands on the ceiling */
} wp_normalize_policy;

/** Settings of a normalization; wp_normalize_default_config() fills one. */
typedef struct wp_normalize_config {
    wp_normalize_mode mode;       /**< what to measure */
    double target;                /**< dBFS (peak, RMS: -80..0) or LUFS (loudness: -70..0) */
    double ceiling_dbtp;          /**< true-peak ceiling, dBTP, -24..0; NAN: no ceiling */
    wp_normalize_policy policy;   /**< what to do at the ceiling */
    double max_gain_db;           /**< largest gain, dB, 0..60 */
} wp_normalize_config;

/** What a normalization measured and did. */
typedef struct wp_normalize_report {
    /** @var before
     * Level before, in the mode's unit (dBFS or LUFS); -INFINITY for silence. */
    /** @var after
     * Level after, in the mode's unit; -INFINITY for silence. */
    double before, after;                 /* in the mode's unit; -INFINITY for silence */
    /** @var true_peak_before
     * True peak before, dBTP, max over channels (-INFINITY for silence). */
    /** @var true_peak_after
     * True peak after, dBTP, max over channels (-INFINITY for silence). */
    double true_peak_before, true_peak_after; /* dBTP, max over channels */
    double gain_db;                       /**< gain applied, dB (before any limiting) */
    int limited;                          /**< 1: the limiter ran */
    int capped;                           /**< 1: gain lowered: ceiling (CAP) or max_gain_db */
    int silent;                           /**< 1: nothing to normalize; untouched */
} wp_normalize_report;

/** Fills @p config with the defaults: loudness -14 LUFS, ceiling -1 dBTP,
 * WP_NORMALIZE_LIMIT, max gain 40 dB.
 *
 * Any thread, real-time safe.
 *
 * @param[out] config the configuration to fill (not NULL).
 */
void wp_normalize_default_config(wp_normalize_config *config);

/** Measures @p mode and the true peak of planar audio.
 *
 * Allocates a meter for the call: not real-time safe; any thread.
 *
 * @param[in]  mode             what to measure.
 * @param[in]  channels         @p channel_count planar buffers of @p frames
 *                              samples, none NULL (borrowed for the call,
 *                              read only; 1.0 = 0 dBFS).
 * @param[in]  channel_count    1..WP_DSP_MAX_CHANNELS.
 * @param[in]  frames           frames per channel, at least 1.
 * @param[in]  sample_rate      Hz, WP_DSP_MIN_RATE..WP_DSP_MAX_RATE.
 * @param[out] out_value        the mode's value: dBFS (peak, RMS) or LUFS
 *                              (loudness); -INFINITY for silence.
 * @param[out] out_true_peak_db true peak, dBTP, max over channels, with the
 *                              interpolator's tail flushed; -INFINITY for
 *                              silence.
 * @retval WP_OK                   measured.
 * @retval WP_ERR_INVALID_ARGUMENT NULL @p channels or output pointer, @p frames
 *                                 0, or an unknown @p mode.
 * @retval WP_ERR_OUT_OF_RANGE     @p sample_rate or @p channel_count outside
 *                                 its range.
 * @retval WP_ERR_NOT_FINITE       a sample is NaN or Inf.
 * @retval WP_ERR_OUT_OF_MEMORY    a meter could not be allocated.
 */
WP_NODISCARD wp_status wp_normalize_measure(wp_normalize_mode mode, const float *const *channels, int channel_count,
                                            size_t frames, double sample_rate, double *out_value,
                                            double *out_true_peak_db);

/** The whole job, in place: measure, plan, apply (gain or limiter path),
 * re-measure.
 *
 * Allocates: not real-time safe; any thread. On WP_ERR_NOT_FINITE nothing
 * was changed; on an error of the limiter path the input is put back; after
 * an error past the configuration check the report holds partial values.
 *
 * @param[in]     config        the settings (borrowed for the call).
 * @param[in,out] channels      @p channel_count planar buffers of @p frames
 *                              samples (none NULL), normalized in place
 *                              (borrowed for the call).
 * @param[in]     channel_count 1..WP_DSP_MAX_CHANNELS (1 or 2 when the
 *                              limiter is needed).
 * @param[in]     frames        frames per channel, at least 1.
 * @param[in]     sample_rate   Hz, WP_DSP_MIN_RATE..WP_DSP_MAX_RATE.
 * @param[out]    report        what was measured and done (zeroed first).
 * @retval WP_OK                   normalized, or left alone (`silent`).
 * @retval WP_ERR_INVALID_ARGUMENT NULL @p config, @p report, @p channels, zero
 *                                 @p frames, or an unknown mode or policy.
 * @retval WP_ERR_OUT_OF_RANGE     a target, ceiling, gain limit, rate or
 *                                 channel count outside its range; also 3 or
 *                                 more channels on the limiter path (input
 *                                 restored).
 * @retval WP_ERR_NOT_FINITE       NaN or Inf input (nothing changed).
 * @retval WP_ERR_OUT_OF_MEMORY    allocation failed (on the limiter path the
 *                                 input is restored).
 */
WP_NODISCARD wp_status wp_normalize(const wp_normalize_config *config, float *const *channels, int channel_count,
                                    size_t frames, double sample_rate, wp_normalize_report *report);

/** Step of wp_normalize() for the task engine: validates a configuration.
 *
 * The steps of wp_normalize, for the task engine (jobs.h), which measures
 * and applies the gain in parallel and shares the rest: check_config, plan,
 * gain_and_limit. Any thread, real-time safe.
 *
 * @param[in] config the settings to check.
 * @retval WP_OK                   valid.
 * @retval WP_ERR_INVALID_ARGUMENT @p config is NULL, or an unknown mode or
 *                                 policy.
 * @retval WP_ERR_OUT_OF_RANGE     target, max_gain_db or ceiling_dbtp outside
 *                                 its range (NaN included, except the NAN
 *                                 that means no ceiling).
 */
WP_NODISCARD wp_status wp_normalize_check_config(const wp_normalize_config *config);
/** Step of wp_normalize(): decides the gain from the measurements.
 *
 * From `report->before` and `report->true_peak_before` (measured as
 * wp_normalize_measure() does; zero the rest of the report first), sets
 * `gain_db`, `capped` and, for nothing to measure (a non-finite `before`),
 * `silent` (with `after = before` and `true_peak_after = true_peak_before`).
 * Does not validate: pass a configuration wp_normalize_check_config()
 * accepted. Any thread, real-time safe.
 *
 * @param[in]     config the checked settings (not NULL).
 * @param[in,out] report the measurements in, the plan out (not NULL).
 * @return 1 when the gain must go through the limiter, 0 when a plain gain of
 *         `gain_db` does (or, if silent, nothing).
 */
int wp_normalize_plan(const wp_normalize_config *config, wp_normalize_report *report);
/** Step of wp_normalize(): the limiter path, serial.
 *
 * @p original (the untouched input) times the gain into @p channels, limited
 * at the ceiling, gain re-corrected for a loudness target (up to three
 * passes); sets `limited` and may change `gain_db`. Does not validate its
 * arguments (none may be NULL; pass what wp_normalize_check_config() and
 * wp_normalize_plan() approved). On an error @p channels holds nothing
 * meaningful. Allocates: not real-time safe; any thread.
 *
 * @param[in]     config        the checked settings, with a ceiling.
 * @param[in]     original      @p channel_count planar buffers of @p frames
 *                              samples, the untouched input (borrowed, read
 *                              only; must not alias @p channels).
 * @param[out]    channels      @p channel_count planar buffers of @p frames
 *                              samples receiving the result (borrowed).
 * @param[in]     channel_count 1 or 2 (the limiter's range).
 * @param[in]     frames        frames per channel.
 * @param[in]     sample_rate   Hz, WP_DSP_MIN_RATE..WP_DSP_MAX_RATE.
 * @param[in,out] report        the plan in (`gain_db`); `limited` and
 *                              `gain_db` out.
 * @retval WP_OK                done.
 * @retval WP_ERR_OUT_OF_RANGE  @p channel_count above 2 (or a rate or
 *                              ceiling the limiter refuses).
 * @retval WP_ERR_OUT_OF_MEMORY allocation failed.
 */
WP_NODISCARD wp_status wp_normalize_gain_and_limit(const wp_normalize_config *config, const float *const *original,
                                                   float *const *channels, int channel_count, size_t frames,
                                                   double sample_rate, wp_normalize_report *report);

#ifdef __cplusplus
}
#endif

#endif
