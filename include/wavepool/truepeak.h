/* wavepool: true-peak detection by polyphase oversampling (ITU-R BS.1770-4
 * Annex 2), for loudness metering and for look-ahead limiters.
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
 *  - content up to 0.45 fs is reconstructed within 0.04 dB;
 *  - the oversampled grid itself may still miss a crest between two points
 *    by up to 20*log10(cos(pi * f / (factor * fs))) dB: -0.47 dB for a lone
 *    20 kHz crest at 48 kHz and 4x, -0.17 dB at 12 kHz; Tech 3341 allows
 *    +0.2/-0.4 dB;
 *  - at 1x (>= 192 kHz) only samples are examined: a 20 kHz crest may read up
 *    to 0.47 dB low, as in any BS.1770-4 meter at that rate.
 *
 * Latency: 16 input frames at 2x and 4x, 0 at 1x (wp_truepeak_latency).
 * frame_peaks[i] describes input frame i - latency: the interpolated points
 * at times (i - latency) + p / factor, p = 0..factor-1, i.e. the sample itself
 * and the points up to (not including) the next sample. Peaks reported for
 * i < latency belong to the silence before the first frame (they show the
 * pre-ringing of the first frames).
 *
 * Speed: the phases are computed 4 taps at a time with SIMD (SSE, wasm
 * simd128). When frame_peaks is NULL, stretches of 32 frames whose windows
 * cannot produce anything above the running maximum (bounded by the
 * filters' absolute tap sum) are only stored, not interpolated: results are
 * the same, and quiet passages of programme material cost next to nothing.
 *
 * Levels are linear (1.0 = 0 dBTP); wp_truepeak_to_db converts. Input should
 * be finite: Inf gives an infinite peak, NaN samples are skipped by the
 * maxima but make the neighbouring interpolated points NaN.
 *
 * Threads: one object per thread at a time. create/destroy allocate; reset,
 * process and the queries are real-time safe (no allocation, lock or I/O).
 * Output is bit-identical for any split of the input into blocks.
 */
#ifndef WAVEPOOL_TRUEPEAK_H
#define WAVEPOOL_TRUEPEAK_H

#include <stddef.h>

#include "wavepool/dsp.h"
#include "wavepool/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wp_truepeak wp_truepeak;

/* sample_rate in WP_DSP_MIN_RATE..WP_DSP_MAX_RATE Hz, channels in
 * 1..WP_DSP_MAX_CHANNELS; otherwise WP_ERR_OUT_OF_RANGE. NULL out gives
 * WP_ERR_INVALID_ARGUMENT. Not real-time safe. */
WP_NODISCARD wp_status wp_truepeak_create(double sample_rate, int channels, wp_truepeak **out);
void wp_truepeak_destroy(wp_truepeak *tp);

/* Clears the filter history and the running maxima. */
void wp_truepeak_reset(wp_truepeak *tp);

/* Zeroes the running maxima only, keeping the filter history: peaks from
 * here on, including the interpolated points of the last `latency` frames
 * already fed (for measuring a piece of a longer stream). */
void wp_truepeak_clear_max(wp_truepeak *tp);

/* Oversampling factor: 4, 2 or 1. */
int wp_truepeak_factor(const wp_truepeak *tp);

/* Frames: frame_peaks[i] describes input frame i - latency. */
int wp_truepeak_latency(const wp_truepeak *tp);

/* Feeds `frames` frames of planar input (channels[c][i], read only). If
 * frame_peaks is not NULL, frame_peaks[i] receives the largest |x| over all
 * channels among the `factor` oversampled points belonging to output frame i
 * (see the latency above). Updates the per-channel running maxima. */
void wp_truepeak_process(wp_truepeak *tp, const float *const *channels, size_t frames, float *frame_peaks);

/* As wp_truepeak_process with frame_peaks, for a caller that only cares
 * about frame peaks above `threshold` (linear): when a bound from the sample
 * levels (largest |sample| in the frames' windows times the interpolators'
 * largest gain) shows no frame peak of this block can exceed it, the peaks
 * are not computed, frame_peaks is left untouched and 0 is returned;
 * otherwise frame_peaks is filled as by wp_truepeak_process and 1 is
 * returned. The running maxima are updated either way. */
int wp_truepeak_process_above(wp_truepeak *tp, const float *const *channels, size_t frames, float threshold,
                              float *frame_peaks);

/* Linear true peak of `channel` since create/reset: the largest interpolated
 * point computed so far (all frames older than the latency) and the largest
 * |sample| of every frame fed. 0 for a channel out of range. */
float wp_truepeak_max(const wp_truepeak *tp, int channel);

/* As wp_truepeak_max, plus the interpolated points of the last `latency`
 * frames as if the stream ended here and silence followed: the true peak of
 * a finished file. Does not change the state; costs about latency * factor *
 * 32 multiply-adds. Real-time safe. */
float wp_truepeak_max_final(const wp_truepeak *tp, int channel);

/* 20*log10(peak) in dBTP, with floor_db for 0 (silence). */
double wp_truepeak_to_db(float peak, double floor_db);

#ifdef __cplusplus
}
#endif

#endif
