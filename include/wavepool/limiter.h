/**
 * @file
 * wavepool: look-ahead true-peak brickwall limiter, stereo-linked.
 *
 * Channels: 1 or 2 (other counts give WP_ERR_OUT_OF_RANGE at create); one
 * gain for all channels.
 *
 * Detection: wp_truepeak (truepeak.h): per frame the largest |x| over the
 * channels among the 4x (below 96 kHz), 2x (below 192 kHz) or 1x
 * oversampled points, the sample itself included. Its interpolator reads
 * 32 frames around each point, so the gain is held at or below a frame's
 * requirement over the 16 frames on either side of every frame that needs
 * reduction (the "hold"). Around an isolated peak the gain is then flat
 * under the detector's window, the oversampled points of the OUTPUT are
 * exactly gain times those of the input, and the same 4x measurement of
 * the output does not exceed the ceiling (see the margins below). At 1x
 * the hold is 0: the gain of a frame touches only it.
 *
 * Gain computer, in log2 units per input frame j:
 * @verbatim
     required  q[j] = min(0, log2(ceiling) - log2(peak[j]));
     hold      h[j] = min of q over [j - hold, j + lookahead - 1 + hold]
               (sliding minimum: the gain starts moving `lookahead` frames
               before a peak and stays down `hold` frames past it);
     release   r[j] = min(h[j], r[j-1] * exp(-1 / (release * rate))): a
               reduction recovers exponentially in dB, 63 % of the way in
               the release time (plus the ramp below);
     attack    a[j] = r averaged over lookahead/2 frames, then again over
               the rest (two moving averages in cascade, lengths summing to
               lookahead + 1): each drop of h becomes an S-shaped ramp in dB
               that lands exactly on it when the peak arrives, so the gain
               envelope is continuous with a continuous slope, and it never
               undercuts the requirement of any frame within the hold;
     gain      2^a[j] (one log2 and one exp2 per frame, cheap polynomial
               approximations; no libm calls per sample).
   @endverbatim
 *
 * Parameters (setters return WP_ERR_OUT_OF_RANGE outside the range, NaN
 * included, keeping the old value; WP_ERR_INVALID_ARGUMENT for NULL):
 * @verbatim
     ceiling    dBTP, -24..0, default -1. Glides (WP_LIMITER_SMOOTH_MS).
     release    ms, 1..1000, default 100. Immediate (a rate, not a level).
     lookahead  ms, 1..10, default 2: the attack ramp, but never shorter
                than 4 holds (64 frames below 192 kHz: 1.45 ms at 44.1 kHz,
                8 ms at 8 kHz), see the margin below. Takes effect at the
                next wp_limiter_reset() (or at once before the first process
                call), because it changes the latency, which cannot change
                mid-stream without a gap or a repeat.
     enabled    default on; off crossfades (WP_LIMITER_SMOOTH_MS) to the
                input delayed by the same latency, bit-exact once settled.
   @endverbatim
 *
 * Latency: wp_limiter_latency() = lookahead frames - 1 + detector latency +
 * hold (16 + 16 frames below 192 kHz, 0 at 1x): 127 frames (2.65 ms) at
 * 48 kHz with the default 2 ms. Signals whose true peak stays at or below
 * the ceiling come out as the input delayed by the latency, unchanged (gain
 * exactly 1).
 *
 * Guarantee and margins. 4x (the detector's own measure): the output's true
 * peak as measured by wp_truepeak does not exceed the ceiling. Around an
 * isolated peak the hold makes the gain flat under the detector's window,
 * so the output's points are exactly gain times the input's; but where a
 * frame that just meets its own limit is followed within its window by a
 * ramp towards a louder passage, the gain is not uniform under that
 * window, and the interpolated point can come out slightly higher. The gain
 * is therefore computed for an internal ceiling WP_LIMITER_MARGIN_DB below
 * the set one. Sizing: 9000 randomized cases (8 to 96 kHz, look-ahead 1 to
 * 7 ms, release 1 to 200 ms, noise, tones, square waves and chirps with
 * level jumps every 50 to 500 frames) overshot the internal ceiling by at
 * most 0.010 dB with the 64-frame minimum ramp and the S-shaped attack
 * (0.13 dB with 8-frame linear ramps); the margin is 3 times that.
 * Ideal (16x band-limited) measure: the 4x grid can miss a crest between
 * its points by up to `20 log10(1 / cos(pi f / (4 fs)))` for content at f
 * (0.47 dB at 20 kHz and 48 kHz, 0.17 dB at 12 kHz, nearly nothing below
 * 5 kHz), and the detector reads content above 0.45 fs low (truepeak.h). In
 * the tests, 16x FFT interpolation of the output stays at or below the
 * ceiling for sines at fs/4, square waves, transients, sweeps to 20 kHz and
 * noise band-limited to 20 kHz, while white noise with full energy up to
 * fs/2 reads up to 1.25 dB over it at 48 kHz: content that close to Nyquist
 * is what a BS.1770 meter (and a DAC's reconstruction filter) disregards.
 * Set the ceiling lower by that much if an ideal-reconstruction ceiling is
 * required for such material. At 1x (>= 192 kHz) only samples are
 * examined, with the same kind of miss.
 *
 * Threads: one object per thread at a time; create/destroy allocate,
 * everything else is real-time safe. Output is bit-identical for any split
 * of the input into blocks.
 *
 * Handles: the setters return WP_ERR_INVALID_ARGUMENT for a NULL object;
 * the other functions but wp_limiter_destroy() (which accepts NULL) need a
 * valid one.
 */
#ifndef WAVEPOOL_LIMITER_H
#define WAVEPOOL_LIMITER_H

#include <stddef.h>

#include "wavepool/dsp.h"
#include "wavepool/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Time constant of the ceiling glide and of the enable crossfade, ms. */
#define WP_LIMITER_SMOOTH_MS 10.0
/** The gain is computed for a ceiling this many dB below the set one (see the margins). */
#define WP_LIMITER_MARGIN_DB 0.03

/** A look-ahead true-peak limiter (opaque); made by wp_limiter_create(), freed by wp_limiter_destroy(). */
typedef struct wp_limiter wp_limiter;

/**
 * Creates a limiter with the default settings listed above.
 *
 * sample_rate in WP_DSP_MIN_RATE..WP_DSP_MAX_RATE Hz, channels 1 or 2;
 * otherwise WP_ERR_OUT_OF_RANGE. NULL out: WP_ERR_INVALID_ARGUMENT. Memory
 * for the longest look-ahead (10 ms) is allocated here.
 * Allocates: not real-time safe.
 *
 * @param[in]  sample_rate  Hz, WP_DSP_MIN_RATE..WP_DSP_MAX_RATE (8000..384000).
 * @param[in]  channels     1 or 2.
 * @param[out] out          receives the limiter, owned by the caller, who frees
 *                          it with wp_limiter_destroy(); set to NULL on failure
 *                          when not NULL itself.
 * @retval WP_OK                    created.
 * @retval WP_ERR_INVALID_ARGUMENT  @p out is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p sample_rate or @p channels is outside
 *                                  its range.
 * @retval WP_ERR_OUT_OF_MEMORY     an allocation failed.
 */
WP_NODISCARD wp_status wp_limiter_create(double sample_rate, int channels, wp_limiter **out);
/**
 * Frees a limiter. Not real-time safe.
 *
 * @param[in] lim  object from wp_limiter_create(), or NULL (then nothing happens).
 */
void wp_limiter_destroy(wp_limiter *lim);
/**
 * Clears all signal history, applies a pending look-ahead, settles glides.
 *
 * The latency may change here (and only here, or at a look-ahead change
 * made before processing started). Real-time safe.
 *
 * @param[in,out] lim  the limiter (not NULL).
 */
void wp_limiter_reset(wp_limiter *lim);
/**
 * Limits `frames` frames of every channel in place.
 *
 * The output is the input delayed by wp_limiter_latency() frames, times the
 * common gain. channels[c] for c < channel count; frames may be 0.
 * Real-time safe.
 *
 * @param[in,out] lim       the limiter (not NULL).
 * @param[in,out] channels  one pointer per channel (1 or 2, as created) to
 *                          @p frames float samples.
 * @param[in]     frames    frames per channel, 0 allowed.
 */
void wp_limiter_process(wp_limiter *lim, float *const *channels, size_t frames);

/**
 * Frames of delay of the output (see above).
 *
 * Real-time safe.
 *
 * @param[in] lim  the limiter (not NULL).
 * @return latency in frames with the look-ahead in effect (127 at 48 kHz
 *         with the default 2 ms).
 */
int wp_limiter_latency(const wp_limiter *lim);

/**
 * Sets the ceiling, the highest true peak of the output.
 *
 * dBTP, -24..0, default -1. Glides (WP_LIMITER_SMOOTH_MS).
 * Real-time safe.
 *
 * @param[in,out] lim   the limiter.
 * @param[in]     dbtp  dBTP, -24..0.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p lim is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p dbtp is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_limiter_set_ceiling_db(wp_limiter *lim, double dbtp);
/**
 * Sets the release time.
 *
 * ms, 1..1000, default 100: a reduction recovers 63 % of the way (in dB)
 * in this time. Immediate (a rate, not a level).
 * Real-time safe.
 *
 * @param[in,out] lim  the limiter.
 * @param[in]     ms   ms, 1..1000.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p lim is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p ms is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_limiter_set_release_ms(wp_limiter *lim, double ms);
/**
 * Sets the look-ahead (the attack ramp).
 *
 * ms, 1..10, default 2, but never shorter than 4 holds (64 frames below
 * 192 kHz). Takes effect at the next wp_limiter_reset() because it changes
 * the latency; if no frame was processed since create or the last reset,
 * it takes effect at once (by a reset).
 * Real-time safe.
 *
 * @param[in,out] lim  the limiter.
 * @param[in]     ms   ms, 1..10.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p lim is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p ms is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_limiter_set_lookahead_ms(wp_limiter *lim, double ms);
/**
 * Enables the limiter or bypasses it.
 *
 * Default on; off crossfades (WP_LIMITER_SMOOTH_MS) to the input delayed by
 * the same latency, bit-exact once settled.
 * Real-time safe.
 *
 * @param[in,out] lim      the limiter.
 * @param[in]     enabled  nonzero = on, 0 = off.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p lim is NULL.
 */
WP_NODISCARD wp_status wp_limiter_set_enabled(wp_limiter *lim, int enabled);

/**
 * Current gain reduction in dB (>= 0), for metering.
 *
 * The gain computer's value at the last processed frame, before the enable
 * crossfade: it is computed while disabled too. Real-time safe; same thread
 * as the other calls.
 *
 * @param[in] lim  the limiter (not NULL).
 * @return gain reduction in dB, >= 0 (0 after create or reset).
 */
double wp_limiter_gain_reduction_db(const wp_limiter *lim);

#ifdef __cplusplus
}
#endif

#endif
