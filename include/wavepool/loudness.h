/** @file
 * @brief wavepool: loudness metering per ITU-R BS.1770-4 and EBU R 128
 * (Tech 3341 "EBU mode", Tech 3342 loudness range).
 *
 * Measures, streaming and for unbounded durations:
 *
 *  - momentary loudness M (400 ms window) and short-term loudness S (3 s),
 *    both exact sliding windows ending at the last frame fed, LUFS;
 *  - integrated loudness I (gated: 400 ms blocks every 100 ms, absolute gate
 *    -70 LUFS, relative gate -10 LU), LUFS;
 *  - loudness range LRA (Tech 3342: short-term values every 100 ms, absolute
 *    gate -70 LUFS, relative gate -20 LU, 10th to 95th percentile), LU;
 *  - sample peak and true peak per channel (linear; wp_truepeak_to_db() in
 *    truepeak.h converts to dBFS / dBTP).
 *
 * K-weighting: the BS.1770-4 pre-filter (high shelf, +4 dB above ~1.7 kHz)
 * and RLB high-pass (38 Hz) are derived for the actual rate from their analog
 * prototypes by the bilinear transform pre-warped at each filter's corner
 * frequency, as libebur128 does; at 48 kHz this reproduces the coefficient
 * tables of BS.1770-4. State is double precision; recursive state is flushed
 * to zero below 1e-30 every sample (no denormals on any CPU or in wasm).
 * Bilinear warping leaves a small rate dependence: a 1 kHz tone reads
 * +0.04 LU at 11.025 kHz and -0.03 LU at 384 kHz relative to 48 kHz.
 *
 * Channels and weights (BS.1770-4): default order L, R, C, LFE, Ls, Rs (the
 * WAVE / SMPTE order) with weights L = R = C = 1.0, LFE = 0 (excluded),
 * Ls = Rs = 1.41. By channel count: 1 = mono (weight 1.0; use
 * WP_LOUDNESS_DUAL_MONO for a mono signal heard on two speakers), 2 = L R,
 * 3 = L R C, 4 = L R C LFE, 5 = L R C LFE Ls, 6 = L R C LFE Ls Rs, 7 and 8:
 * the extra channels are WP_LOUDNESS_OTHER (1.0, BS.1770-4's weight for
 * channels outside the +-60..120 degree surround zone). Other layouts (e.g.
 * 5.0 as L R C Ls Rs) are set with wp_loudness_set_channel() or
 * wp_loudness_set_channel_weight(). A weight change takes effect at once
 * between sub-blocks (before any audio, after a multiple of B frames) and
 * otherwise at the next sub-block boundary, so no sub-block is ever
 * weighted two ways; set the map before feeding audio.
 *
 * Blocks and timing: the stream is cut into 100 ms sub-blocks of
 * `B = round(rate / 10)` frames counted from create/reset (1103 frames, i.e.
 * 100.05 ms, at 11.025 kHz). A gating block is 4 consecutive sub-blocks
 * (75 % overlap), a short-term value for LRA is 30, both taken at every
 * sub-block boundary once that many sub-blocks exist; a last partial
 * sub-block takes part in M and S but not yet in I and LRA. M and S of the
 * first 400 ms / 3 s count the time before the first frame as silence.
 * Because all gating data derive from the sub-block energies, which are
 * accumulated sample by sample in a fixed order, every result is
 * bit-identical for any split of the input into process() calls.
 *
 * Gating memory and accuracy: no allocation after create. Block loudness
 * values are kept in two histograms (I and LRA) of 0.01 LU bins from -70 to
 * +50 LUFS (louder blocks share the top bin); each bin holds the count, the
 * exact sum of the blocks' energies, and the smallest and largest energy in
 * it. Hence:
 *
 *  - the absolute gate and the ungated mean are exact;
 *  - the gated mean is exact for every bin wholly above or below the
 *    relative threshold; in the one bin containing the threshold, its
 *    smallest and largest blocks are classified exactly and the others
 *    (all within 0.01 LU of the threshold) are counted in proportion to the
 *    part of the bin's loudness span above the threshold. A block at the
 *    threshold has at most 10 % of the gated mean energy, so each such
 *    ambiguous block can move I by at most 3.9 / n LU for n gated blocks
 *    (0.0065 LU for a minute of programme), and I is exact whenever the
 *    threshold bin holds at most two blocks;
 *  - LRA percentiles are exact when the percentile's bin holds one block,
 *    otherwise interpolated between that bin's extremes (0.01 LU apart).
 *
 * Parallel analysis: a long file can be split at multiples of B frames and
 * the pieces measured by separate objects, then combined with
 * wp_loudness_merge(). Each piece except the first is fed 3 s (30 sub-blocks)
 * of the audio before it as warm-up (wp_loudness_set_warmup()), so its
 * K-filters settle and its first gating blocks and short-term values see the
 * same audio as in a serial pass; blocks that end inside the warm-up are not
 * counted. Merge all pieces into the object of the last piece (its true-peak
 * tail is the end of the file; the tails of the others are covered by the
 * next piece's warm-up). The merged I, LRA and peaks then equal the serial
 * ones up to the filters' settling, which 3 s make bit-exact in practice
 * (the tests find no difference at all).
 *
 * Values: loudness in LUFS and LU; silence (zero energy) and an integrated
 * loudness with no block above the absolute gate give -INFINITY (the same
 * as -HUGE_VAL); LRA is 0 when fewer than two short-term values pass the
 * gates. No query ever returns NaN.
 *
 * Input: finite samples (up to about 1e18 in magnitude). A block holding NaN
 * or Inf is rejected whole with WP_ERR_NOT_FINITE and changes nothing.
 *
 * Threads and real-time: one object per thread at a time. create/destroy
 * allocate: 3.1 s of per-frame energies for the sliding windows (one float
 * per frame: 0.6 MB at 48 kHz, 4.8 MB at 384 kHz) and 0.77 MB of
 * histograms. Everything else is real-time safe: no allocation, lock or
 * I/O. M and S cost O(B) per call, I and LRA O(bins) = 12000 steps.
 * Only wp_loudness_process(), wp_loudness_merge() and wp_loudness_destroy()
 * accept a NULL object; every other function needs a valid one.
 */
#ifndef WAVEPOOL_LOUDNESS_H
#define WAVEPOOL_LOUDNESS_H

#include <stddef.h>
#include <stdint.h>

#include "wavepool/dsp.h"
#include "wavepool/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque loudness meter; made by wp_loudness_create(), freed by
 * wp_loudness_destroy(). */
typedef struct wp_loudness wp_loudness;

/** Channel roles and their BS.1770-4 power weights (G_i). */
typedef enum wp_loudness_channel {
    WP_LOUDNESS_UNUSED = 0,         /**< 0.0: ignored */
    WP_LOUDNESS_LEFT = 1,           /**< 1.0 */
    WP_LOUDNESS_RIGHT = 2,          /**< 1.0 */
    WP_LOUDNESS_CENTER = 3,         /**< 1.0 */
    WP_LOUDNESS_LFE = 4,            /**< 0.0: excluded by BS.1770-4 */
    WP_LOUDNESS_LEFT_SURROUND = 5,  /**< 1.41 */
    WP_LOUDNESS_RIGHT_SURROUND = 6, /**< 1.41 */
    WP_LOUDNESS_OTHER = 7,          /**< 1.0 */
    WP_LOUDNESS_DUAL_MONO = 8       /**< 2.0: one channel standing for two */
} wp_loudness_channel;

/** Largest accepted custom weight (wp_loudness_set_channel_weight()). */
#define WP_LOUDNESS_MAX_WEIGHT 16.0

/** Creates a loudness meter with the default channel map (see the file
 * overview).
 *
 * Allocates 3.1 s of per-frame energies and 0.77 MB of histograms: not
 * real-time safe; any thread.
 *
 * @param[in]  sample_rate Hz, WP_DSP_MIN_RATE..WP_DSP_MAX_RATE (NaN refused).
 * @param[in]  channels    1..WP_DSP_MAX_CHANNELS.
 * @param[out] out         receives the meter, or NULL on failure; the caller
 *                         frees it with wp_loudness_destroy().
 * @retval WP_OK                   created.
 * @retval WP_ERR_INVALID_ARGUMENT @p out is NULL.
 * @retval WP_ERR_OUT_OF_RANGE     @p sample_rate or @p channels outside its range.
 * @retval WP_ERR_OUT_OF_MEMORY    allocation failed.
 */
WP_NODISCARD wp_status wp_loudness_create(double sample_rate, int channels, wp_loudness **out);
/** Frees a meter made by wp_loudness_create().
 *
 * Not real-time safe. NULL is a no-op.
 *
 * @param[in] lm the meter (owned; invalid afterwards), or NULL.
 */
void wp_loudness_destroy(wp_loudness *lm);

/** Forgets all audio (filters, windows, gating statistics, peaks, warm-up
 * progress); keeps the channel map and the warm-up length.
 *
 * Weights set since the last sub-block boundary take effect at once.
 * Real-time safe (clears about 0.8 MB plus the energy window).
 *
 * @param[in,out] lm the meter (not NULL).
 */
void wp_loudness_reset(wp_loudness *lm);

/** Sets the role, and so the BS.1770-4 weight, of one channel.
 *
 * Takes effect as described in the file overview (at once between
 * sub-blocks, else at the next boundary). Real-time safe.
 *
 * @param[in,out] lm      the meter (not NULL).
 * @param[in]     channel 0-based channel index, 0..channels-1.
 * @param[in]     role    a wp_loudness_channel value.
 * @retval WP_OK                   set.
 * @retval WP_ERR_INVALID_ARGUMENT unknown @p role (checked first).
 * @retval WP_ERR_OUT_OF_RANGE     bad @p channel.
 */
WP_NODISCARD wp_status wp_loudness_set_channel(wp_loudness *lm, int channel, wp_loudness_channel role);
/** Sets a custom power weight (as the G_i of BS.1770-4) for one channel.
 *
 * Takes effect as wp_loudness_set_channel() does. Real-time safe.
 *
 * @param[in,out] lm      the meter (not NULL).
 * @param[in]     channel 0-based channel index, 0..channels-1.
 * @param[in]     weight  0..WP_LOUDNESS_MAX_WEIGHT (0 excludes the channel).
 * @retval WP_OK               set.
 * @retval WP_ERR_OUT_OF_RANGE bad @p channel, or @p weight outside its range
 *                             (NaN included).
 */
WP_NODISCARD wp_status wp_loudness_set_channel_weight(wp_loudness *lm, int channel, double weight);
/** The weight last set for @p channel (see the file overview for when it
 * takes effect).
 *
 * Real-time safe.
 *
 * @param[in] lm      the meter (not NULL).
 * @param[in] channel 0-based channel index.
 * @return the power weight; 0 for a channel out of range.
 */
double wp_loudness_channel_weight(const wp_loudness *lm, int channel);

/** Feeds @p frames frames of planar input.
 *
 * A block holding NaN or Inf is ignored whole. Real-time safe; results are
 * bit-identical for any split into calls.
 *
 * @param[in,out] lm       the meter.
 * @param[in]     channels planar input, `channels[c][i]` for every channel
 *                         of the meter (borrowed for the call, read only);
 *                         linear, 1.0 = 0 dBFS, finite.
 * @param[in]     frames   frames per channel; 0 is a no-op.
 * @retval WP_OK                   fed (or @p frames is 0).
 * @retval WP_ERR_INVALID_ARGUMENT @p lm, @p channels or one of its channel
 *                                 pointers is NULL.
 * @retval WP_ERR_NOT_FINITE       the block holds NaN or Inf and was ignored
 *                                 whole.
 */
WP_NODISCARD wp_status wp_loudness_process(wp_loudness *lm, const float *const *channels, size_t frames);

/** Momentary loudness over the 400 ms ending at the last frame fed.
 *
 * Real-time safe, O(B).
 *
 * @param[in] lm the meter (not NULL).
 * @return LUFS; -INFINITY for silence.
 */
double wp_loudness_momentary(const wp_loudness *lm);
/** Short-term loudness over the 3 s ending at the last frame fed.
 *
 * Real-time safe, O(B).
 *
 * @param[in] lm the meter (not NULL).
 * @return LUFS; -INFINITY for silence.
 */
double wp_loudness_short_term(const wp_loudness *lm);
/** Integrated (programme) loudness since create/reset (plus merged pieces).
 *
 * Real-time safe, O(bins).
 *
 * @param[in] lm the meter (not NULL).
 * @return LUFS; -INFINITY when no gating block passes the gates.
 */
double wp_loudness_integrated(const wp_loudness *lm);
/** Loudness range (EBU Tech 3342) since create/reset (plus merged pieces).
 *
 * Real-time safe, O(bins).
 *
 * @param[in] lm the meter (not NULL).
 * @return LU; 0 when fewer than two short-term values pass the gates.
 */
double wp_loudness_range(const wp_loudness *lm);

/** Largest `|sample|` of @p channel since create/reset (warm-up excluded,
 * merged pieces included).
 *
 * Real-time safe.
 *
 * @param[in] lm      the meter (not NULL).
 * @param[in] channel 0-based channel index.
 * @return linear peak (1.0 = 0 dBFS); 0 for a channel out of range.
 */
float wp_loudness_sample_peak(const wp_loudness *lm, int channel);
/** True peak of @p channel (see truepeak.h), including the frames still
 * inside the oversampler's latency (16 frames below 192 kHz, none from
 * 192 kHz) as if the stream ended here.
 *
 * Merged pieces included. Real-time safe; does not change the state.
 *
 * @param[in] lm      the meter (not NULL).
 * @param[in] channel 0-based channel index.
 * @return linear peak (1.0 = 0 dBTP); 0 for a channel out of range.
 */
float wp_loudness_true_peak(const wp_loudness *lm, int channel);

/** Frames fed since create/reset (warm-up included).
 *
 * Real-time safe.
 *
 * @param[in] lm the meter (not NULL).
 * @return the frame count.
 */
uint64_t wp_loudness_frames(const wp_loudness *lm);

/** Sets the warm-up length for parallel analysis (see the file overview).
 *
 * The first @p frames frames after create/reset only warm the filters and
 * windows up: no gating block or short-term value ending inside them is
 * counted, and peaks ignore them. The length is kept across resets.
 * Real-time safe.
 *
 * @param[in,out] lm     the meter (not NULL).
 * @param[in]     frames warm-up in frames, a multiple of the sub-block length
 *                       (wp_loudness_block_frames()); 0 (default) turns
 *                       warm-up off.
 * @retval WP_OK               set.
 * @retval WP_ERR_OUT_OF_RANGE @p frames is not a multiple of B, or audio was
 *                             fed since create/reset.
 */
WP_NODISCARD wp_status wp_loudness_set_warmup(wp_loudness *lm, uint64_t frames);
/** B, the 100 ms sub-block length in frames at this rate: `round(rate / 10)`.
 *
 * Real-time safe.
 *
 * @param[in] lm the meter (not NULL).
 * @return frames per sub-block.
 */
size_t wp_loudness_block_frames(const wp_loudness *lm);
/** Adds the gating statistics and peaks of @p src to @p dst.
 *
 * Merges I, LRA, sample and true peaks; M and S stay @p dst's. @p src is not
 * changed; its pending true-peak tail (the last frames inside the
 * oversampler's latency) is not merged: it belongs to the next piece (see
 * the file overview). Real-time safe, O(bins).
 *
 * @param[in,out] dst the meter receiving the statistics.
 * @param[in]     src the piece to add (borrowed for the call).
 * @retval WP_OK                   merged.
 * @retval WP_ERR_INVALID_ARGUMENT a NULL meter, @p dst == @p src, or a
 *                                 different rate or channel count.
 */
WP_NODISCARD wp_status wp_loudness_merge(wp_loudness *dst, const wp_loudness *src);

#ifdef __cplusplus
}
#endif

#endif
