/* wavepool: normalization of a whole buffer: peak, RMS or loudness.
 *
 * Modes and their unit (target and the report's before/after):
 *   WP_NORMALIZE_PEAK      sample peak, dBFS (largest |sample| of any channel)
 *   WP_NORMALIZE_RMS       RMS over all channels and frames, dBFS
 *                          (20 log10 rms: a full-scale sine reads -3.01)
 *   WP_NORMALIZE_LOUDNESS  integrated loudness, LUFS (ITU-R BS.1770-4)
 *
 * Targets: peak and RMS -80..0 dBFS, loudness -70..0 LUFS. The gain is
 * target - measured, at most max_gain_db (0..60 dB, default 40), so silence
 * and near-silence never get an absurd gain. A buffer with nothing to
 * measure (peak or RMS of exact silence, or no gating block above -70
 * LUFS) is left alone: gain 0, `silent` set.
 *
 * True-peak ceiling (dBTP, -24..0, or NAN for none): when the gain would
 * push the true peak (4x oversampled, truepeak.h) above it, the policy
 * decides: WP_NORMALIZE_CAP lowers the gain so the peak lands on the
 * ceiling (`capped`), WP_NORMALIZE_LIMIT keeps the gain and runs the
 * look-ahead true-peak limiter (limiter.h) at the ceiling (`limited`); a
 * loudness target is then re-measured and the gain corrected (up to three
 * passes) so the result still meets the target where the limiter allows.
 * The limiter's latency is compensated: output frame i is input frame i.
 *
 * Memory: allocates analyzers (and, with the limiter, one copy of the
 * input) for the duration of the call. Not real-time safe. Serial: the task
 * engine splits the measuring across workers itself.
 */
#ifndef WAVEPOOL_NORMALIZE_H
#define WAVEPOOL_NORMALIZE_H

#include <stddef.h>

#include "wavepool/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum wp_normalize_mode {
    WP_NORMALIZE_PEAK = 0,
    WP_NORMALIZE_RMS,
    WP_NORMALIZE_LOUDNESS
} wp_normalize_mode;

typedef enum wp_normalize_policy {
    WP_NORMALIZE_LIMIT = 0,
    WP_NORMALIZE_CAP
} wp_normalize_policy;

typedef struct wp_normalize_config {
    wp_normalize_mode mode;
    double target;        /* dBFS or LUFS, see above */
    double ceiling_dbtp;  /* NAN: no ceiling */
    wp_normalize_policy policy;
    double max_gain_db;
} wp_normalize_config;

typedef struct wp_normalize_report {
    double before, after;                 /* in the mode's unit; -INFINITY for silence */
    double true_peak_before, true_peak_after; /* dBTP, max over channels */
    double gain_db;                       /* gain applied (before any limiting) */
    int limited;                          /* the limiter ran */
    int capped;                           /* gain lowered: ceiling (CAP) or max_gain_db */
    int silent;                           /* nothing to normalize; untouched */
} wp_normalize_report;

/* Defaults: loudness -14 LUFS, ceiling -1 dBTP, LIMIT, max gain 40 dB. */
void wp_normalize_default_config(wp_normalize_config *config);

/* Measures `mode` and the true peak (dBTP) of planar audio. */
WP_NODISCARD wp_status wp_normalize_measure(wp_normalize_mode mode, const float *const *channels, int channel_count,
                                            size_t frames, double sample_rate, double *out_value,
                                            double *out_true_peak_db);

/* The whole job, in place. WP_ERR_NOT_FINITE for NaN/Inf input (nothing
 * changed), WP_ERR_OUT_OF_RANGE for a target, ceiling, gain limit, rate or
 * channel count outside its range, WP_ERR_INVALID_ARGUMENT for NULL or
 * zero frames. */
WP_NODISCARD wp_status wp_normalize(const wp_normalize_config *config, float *const *channels, int channel_count,
                                    size_t frames, double sample_rate, wp_normalize_report *report);

/* The steps of wp_normalize, for the task engine (jobs.h), which measures
 * and applies the gain in parallel and shares the rest:
 *  - check_config: WP_ERR_INVALID_ARGUMENT / WP_ERR_OUT_OF_RANGE as above;
 *  - plan: from report->before and report->true_peak_before (measured as
 *    wp_normalize_measure does; zero the rest of the report first), sets
 *    gain_db, capped and, for nothing to measure, silent (with after =
 *    before). Returns 1 when the gain must go through the limiter, 0 when a
 *    plain gain of gain_db does (or, if silent, nothing);
 *  - gain_and_limit: the limiter path, serial: `original` (the untouched
 *    input, read only) times the gain into `channels`, limited at the
 *    ceiling, gain re-corrected for a loudness target; sets limited and may
 *    change gain_db. On an error `channels` holds nothing meaningful. */
WP_NODISCARD wp_status wp_normalize_check_config(const wp_normalize_config *config);
int wp_normalize_plan(const wp_normalize_config *config, wp_normalize_report *report);
WP_NODISCARD wp_status wp_normalize_gain_and_limit(const wp_normalize_config *config, const float *const *original,
                                                   float *const *channels, int channel_count, size_t frames,
                                                   double sample_rate, wp_normalize_report *report);

#ifdef __cplusplus
}
#endif

#endif
