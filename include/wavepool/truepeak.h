/** @file
 * @brief wavepool: true-peak detection by polyphase oversampling (ITU-R
 * BS.1770-4 Annex 2), for loudness metering and for look-ahead limiters.
 *
 * Oversampling factor: 4x below 96 kHz, 2x below 192 kHz, 1x (plain sample
 * peak) from 192 kHz, so the examined points are always at least 192 kHz
 * apart, as BS.1770-4 and libebur128 do.
 *
 * Interpolator: each of the `factor` output points per input frame comes
 * from its own 32-tap fractional-delay FIR, a Kaiser-windowed sinc (beta 5,
 * cut-off fs/2) whose taps are normalised to unity DC gain per phase. Phase 0
 * is the input sample itself, so a true peak is never below the sample peak.
 * Every phase is flat within +-0.04 dB from DC to 0.45 fs (19.8 kHz at
 * 44.1 kHz, 21.6 kHz at 48 kHz; the BS.1770-4 48-tap filter droops much
 * earlier), -1.6 dB at 0.47 fs, and the half-sample phase falls to zero at
 * fs/2 as every symmetric interpolator must. What this means for accuracy:
 *
 *  - content up to 0.45 fs is reconstructed within 0.04 dB;
 *  - the oversampled grid itself may still miss a crest between two points
 *    by up to `20*log10(cos(pi * f / (factor * fs)))` dB: -0.47 dB for a lone
 *    20 kHz crest at 48 kHz and 4x, -0.17 dB at 12 kHz; Tech 3341 allows
 *    +0.2/-0.4 dB;
 *  - at 1x (from 192 kHz) only samples are examined: a 20 kHz crest may read
 *    up to 0.47 dB low, as in any BS.1770-4 meter at that rate.
 *
 * Latency: 16 input frames at 2x and 4x, 0 at 1x (wp_truepeak_latency()).
 * `frame_peaks[i]` describes input frame `i - latency`: the interpolated
 * points at times `(i - latency) + p / factor`, `p = 0..factor-1`, i.e. the
 * sample itself and the points up to (not including) the next sample. Peaks
 * reported for `i < latency` belong to the silence before the first frame
 * (they show the pre-ringing of the first frames).
 *
 * Speed: the phases are computed 4 taps at a time with SIMD (SSE, wasm
 * simd128). When `frame_peaks` is NULL, stretches of 32 frames whose windows
 * cannot produce anything above the running maximum (bounded by the
 * filters' absolute tap sum) are only stored, not interpolated: results are
 * the same, and quiet passages of programme material cost next to nothing.
 *
 * Levels are linear (1.0 = 0 dBTP); wp_truepeak_to_db() converts. Input should
 * be finite: Inf gives an infinite peak, NaN samples are skipped by the
 * maxima but make the neighbouring interpolated points NaN.
 *
 * Threads and real-time: one object per thread at a time.
 * wp_truepeak_create() and wp_truepeak_destroy() allocate / free and are not
 * real-time safe; reset, process and the queries are real-time safe (no
 * allocation, lock or I/O; bounded time per frame). Output is bit-identical
 * for any split of the input into blocks. No function but create and destroy
 * accepts a NULL object.
 */
#ifndef WAVEPOOL_TRUEPEAK_H
#define WAVEPOOL_TRUEPEAK_H

#include <stddef.h>

#include "wavepool/dsp.h"
#include "wavepool/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque true-peak meter; made by wp_truepeak_create(), freed by
 * wp_truepeak_destroy(). */
typedef struct wp_truepeak wp_truepeak;

/** Creates a true-peak meter for @p channels channels at @p sample_rate.
 *
 * The oversampling factor follows from the rate (see the file overview).
 * The new meter is reset (silent history, maxima 0). Not real-time safe
 * (allocates); any thread.
 *
 * @param[in]  sample_rate Hz, WP_DSP_MIN_RATE..WP_DSP_MAX_RATE (NaN refused).
 * @param[in]  channels    1..WP_DSP_MAX_CHANNELS.
 * @param[out] out         receives the meter, or NULL on failure; the caller
 *                         frees it with wp_truepeak_destroy().
 * @retval WP_OK                   created.
 * @retval WP_ERR_INVALID_ARGUMENT @p out is NULL.
 * @retval WP_ERR_OUT_OF_RANGE     @p sample_rate or @p channels outside its range.
 * @retval WP_ERR_OUT_OF_MEMORY    allocation failed.
 */
WP_NODISCARD wp_status wp_truepeak_create(double sample_rate, int channels, wp_truepeak **out);
/** Frees a meter made by wp_truepeak_create().
 *
 * Not real-time safe. NULL is a no-op.
 *
 * @param[in] tp the meter (owned; invalid afterwards), or NULL.
 */
void wp_truepeak_destroy(wp_truepeak *tp);

/** Clears the filter history and the running maxima (back to the state
 * right after create).
 *
 * Real-time safe.
 *
 * @param[in,out] tp the meter (not NULL).
 */
void wp_truepeak_reset(wp_truepeak *tp);

/** Zeroes the running maxima only, keeping the filter history.
 *
 * Peaks count from here on, including the interpolated points of the last
 * `latency` frames already fed (for measuring a piece of a longer stream).
 * Real-time safe.
 *
 * @param[in,out] tp the meter (not NULL).
 */
void wp_truepeak_clear_max(wp_truepeak *tp);

/** Oversampling factor: 4 below 96 kHz, 2 below 192 kHz, else 1.
 *
 * Real-time safe.
 *
 * @param[in] tp the meter (not NULL).
 * @return 4, 2 or 1.
 */
int wp_truepeak_factor(const wp_truepeak *tp);

/** Latency in frames: `frame_peaks[i]` describes input frame `i - latency`.
 *
 * Real-time safe.
 *
 * @param[in] tp the meter (not NULL).
 * @return 16 at 2x and 4x, 0 at 1x.
 */
int wp_truepeak_latency(const wp_truepeak *tp);

/** Feeds @p frames frames of planar input and updates the per-channel
 * running maxima.
 *
 * If @p frame_peaks is not NULL, `frame_peaks[i]` receives the largest `|x|`
 * over all channels among the `factor` oversampled points belonging to output
 * frame i (see the latency in the file overview). Real-time safe;
 * bit-identical for any split into blocks.
 *
 * @param[in,out] tp          the meter (not NULL).
 * @param[in]     channels    planar input, `channels[c][i]` for every channel
 *                            of the meter (borrowed for the call, read only);
 *                            linear, 1.0 = 0 dBFS.
 * @param[in]     frames      frames per channel; 0 does nothing.
 * @param[out]    frame_peaks NULL, or @p frames floats: linear peak per
 *                            output frame.
 */
void wp_truepeak_process(wp_truepeak *tp, const float *const *channels, size_t frames, float *frame_peaks);

/** As wp_truepeak_process() with @p frame_peaks, for a caller that only cares
 * about frame peaks above @p threshold.
 *
 * When a bound from the sample levels (largest `|sample|` in the frames'
 * windows times the interpolators' largest gain) shows no frame peak of this
 * block can exceed @p threshold, the peaks are not computed, @p frame_peaks is
 * left untouched and 0 is returned; otherwise @p frame_peaks is filled as by
 * wp_truepeak_process() and 1 is returned. A NaN sample counts as crossing.
 * The running maxima are updated either way. Real-time safe.
 *
 * @param[in,out] tp          the meter (not NULL).
 * @param[in]     channels    planar input as for wp_truepeak_process()
 *                            (borrowed for the call, read only).
 * @param[in]     frames      frames per channel.
 * @param[in]     threshold   linear level (1.0 = 0 dBTP).
 * @param[out]    frame_peaks @p frames floats, written only when 1 is returned.
 * @return 1 when @p frame_peaks was filled, 0 when no frame peak can exceed
 *         @p threshold (@p frame_peaks untouched).
 */
int wp_truepeak_process_above(wp_truepeak *tp, const float *const *channels, size_t frames, float threshold,
                              float *frame_peaks);

/** Linear true peak of @p channel since create/reset (or clear_max).
 *
 * The largest interpolated point computed so far (all frames older than the
 * latency) and the largest `|sample|` of every frame fed. Real-time safe.
 *
 * @param[in] tp      the meter (not NULL).
 * @param[in] channel 0-based channel index.
 * @return the linear peak (1.0 = 0 dBTP); 0 for a channel out of range.
 */
float wp_truepeak_max(const wp_truepeak *tp, int channel);

/** As wp_truepeak_max(), plus the interpolated points of the last `latency`
 * frames as if the stream ended here and silence followed: the true peak of
 * a finished file.
 *
 * Does not change the state; costs about `latency * factor * 32`
 * multiply-adds. Real-time safe.
 *
 * @param[in] tp      the meter (not NULL).
 * @param[in] channel 0-based channel index.
 * @return the linear peak (1.0 = 0 dBTP); 0 for a channel out of range.
 */
float wp_truepeak_max_final(const wp_truepeak *tp, int channel);

/** Converts a linear peak to dBTP: `20*log10(peak)`, never below @p floor_db.
 *
 * Pure; any thread, real-time safe.
 *
 * @param[in] peak     linear peak (1.0 = 0 dBTP).
 * @param[in] floor_db dB returned for 0 (silence), and the lowest value returned.
 * @return `max(20*log10(peak), floor_db)`, or @p floor_db when @p peak is not
 *         above 0.
 */
double wp_truepeak_to_db(float peak, double floor_db);

#ifdef __cplusplus
}
#endif

#endif
