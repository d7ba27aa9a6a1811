/**
 * @file
 * wavepool: multi-voice chorus (modulated delays, Hermite interpolation).
 *
 * Each channel runs `voices` copies of its input through a delay that a
 * sine LFO sweeps between delay_ms and delay_ms + depth_ms. Voice v
 * (`0 <= v < N = voices`) of channel c (0 = left, 1 = right) has the delay
 *
 * @verbatim
     D(n) = delay_ms + depth_ms * (1 - cos(2 pi (phi(n) + v/N + c * spread/(2N)))) / 2
   @endverbatim
 *
 * where phi advances by rate_hz / sample_rate per sample and is 0 right
 * after create, reset or a completed bypass (the LFO is exact to about
 * 1e-6). The voices of one channel are spread evenly over the LFO cycle;
 * the right channel's voices run spread/(2N) of a cycle
 * behind the left ones, so spread 1 places them midway between the left
 * voices (a single voice then sweeps in antiphase left/right: the classic
 * stereo chorus) and spread 0 makes both channels' wet signals identical for
 * identical input. The delayed signals are read with 4-point Hermite
 * interpolation (no low-pass at fractional positions, unlike linear).
 * `wet = (1/N) * sum over voices`; `out = (1 - mix) * in + mix * wet`. With
 * depth 0 every voice is the input delayed by exactly delay_ms.
 *
 * Channels: 1 or 2 (mono in, mono out; stereo in, stereo out; spread is
 * ignored for mono); create rejects others with WP_ERR_OUT_OF_RANGE.
 *
 * Parameters (unit, range, default); outside the range (or NaN) a setter
 * returns WP_ERR_OUT_OF_RANGE and keeps the old value:
 * @verbatim
     rate_hz   LFO rate, Hz, 0.05..10, default 0.8.
     depth_ms  peak-to-peak sweep of each voice's delay, ms, 0..20, default 3.
     delay_ms  shortest delay of the sweep, ms, 1..40, default 10.
     voices    1..WP_CHORUS_MAX_VOICES (8), default 2.
     spread    stereo LFO offset, 0..1, default 1.
     mix       0..1, default 0.5 (0 = dry exactly, 1 = wet only: vibrato).
     enabled   default true. Bypass crossfades to dry (20 ms, smoothstep),
               then stops processing (no CPU) and clears the delay lines;
               re-enabling fades the lines' input and the wet output back
               in, so nothing stale comes back and nothing clicks.
   @endverbatim
 * Smoothing (per sample, through two one-pole stages, so nothing starts
 * with a kink): rate and mix 5 ms per stage (about 10 ms to 63%).
 * delay_ms, depth_ms, spread and the voice phase offsets move the read
 * positions, so they glide slower, 50 ms per stage: the read speed changes
 * continuously and a change is a gentle pitch bend, peaking at 0.74% per ms
 * of delay change (7% for 10 ms) at any sample rate, never a click or a
 * sudden pitch step. A voice added or removed by set_voices fades in or out
 * (50 ms per stage) while the others glide to their new phases. The LFO
 * phase itself never jumps.
 *
 * Latency: none (dry path immediate). Memory: 60 ms per channel.
 *
 * Thread/real-time safety: create and destroy allocate and are not
 * real-time safe; process, reset and the setters allocate nothing and take
 * no locks. One thread at a time per object. Output is bit-identical for
 * any split of the input into blocks.
 *
 * Handles: the setters return WP_ERR_INVALID_ARGUMENT for a NULL object;
 * wp_chorus_reset() and wp_chorus_process() need a valid one;
 * wp_chorus_destroy() accepts NULL.
 */
#ifndef WAVEPOOL_CHORUS_H
#define WAVEPOOL_CHORUS_H

#include <stdbool.h>
#include <stddef.h>

#include "wavepool/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most voices per channel. */
#define WP_CHORUS_MAX_VOICES 8

/** A multi-voice chorus (opaque); made by wp_chorus_create(), freed by wp_chorus_destroy(). */
typedef struct wp_chorus wp_chorus;

/**
 * Creates a chorus with the default settings listed above.
 *
 * sample_rate 8000..384000 Hz, channels 1..2: WP_ERR_OUT_OF_RANGE otherwise;
 * NULL out: WP_ERR_INVALID_ARGUMENT. Allocates 60 ms of delay per channel.
 * Allocates: not real-time safe.
 *
 * @param[in]  sample_rate  Hz, WP_DSP_MIN_RATE..WP_DSP_MAX_RATE (8000..384000).
 * @param[in]  channels     1 or 2.
 * @param[out] out          receives the chorus, owned by the caller, who frees
 *                          it with wp_chorus_destroy(); set to NULL on failure
 *                          when not NULL itself.
 * @retval WP_OK                    created.
 * @retval WP_ERR_INVALID_ARGUMENT  @p out is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p sample_rate or @p channels is outside
 *                                  its range.
 * @retval WP_ERR_OUT_OF_MEMORY     an allocation failed.
 */
WP_NODISCARD wp_status wp_chorus_create(double sample_rate, int channels, wp_chorus **out);
/**
 * Frees a chorus. Not real-time safe.
 *
 * @param[in] c  object from wp_chorus_create(), or NULL (then nothing happens).
 */
void wp_chorus_destroy(wp_chorus *c);
/**
 * Clears the delay lines, sets the LFO phase to 0 and settles every
 * smoothed parameter on its target.
 *
 * A bypass fade in progress completes too. Real-time safe.
 *
 * @param[in,out] c  the chorus (not NULL).
 */
void wp_chorus_reset(wp_chorus *c);
/**
 * Processes `frames` frames of every channel in place.
 *
 * In place; channels[c] for c < channel count, frames may be 0. Once a
 * bypass has completed the buffers are left untouched (no CPU). Real-time
 * safe.
 *
 * @param[in,out] c         the chorus (not NULL).
 * @param[in,out] channels  one pointer per channel (1 or 2, as created) to
 *                          @p frames float samples.
 * @param[in]     frames    frames per channel, 0 allowed.
 */
void wp_chorus_process(wp_chorus *c, float *const *channels, size_t frames);

/**
 * Sets the LFO rate.
 *
 * Hz, 0.05..10, default 0.8. Glides (two one-pole stages of 5 ms); the LFO
 * phase never jumps.
 * Real-time safe.
 *
 * @param[in,out] c   the chorus.
 * @param[in]     hz  Hz, 0.05..10.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p c is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p hz is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_chorus_set_rate_hz(wp_chorus *c, double hz);
/**
 * Sets the peak-to-peak sweep of each voice's delay.
 *
 * ms, 0..20, default 3. Glides (two one-pole stages of 50 ms): a gentle
 * pitch bend, never a click.
 * Real-time safe.
 *
 * @param[in,out] c   the chorus.
 * @param[in]     ms  ms, 0..20.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p c is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p ms is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_chorus_set_depth_ms(wp_chorus *c, double ms);
/**
 * Sets the shortest delay of the sweep.
 *
 * ms, 1..40, default 10. Glides (two one-pole stages of 50 ms): a gentle
 * pitch bend, never a click.
 * Real-time safe.
 *
 * @param[in,out] c   the chorus.
 * @param[in]     ms  ms, 1..40.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p c is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p ms is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_chorus_set_delay_ms(wp_chorus *c, double ms);
/**
 * Sets the number of voices per channel.
 *
 * 1..WP_CHORUS_MAX_VOICES (8), default 2. A voice added or removed fades in
 * or out (50 ms per stage) while the others glide to their new phases.
 * Real-time safe.
 *
 * @param[in,out] c       the chorus.
 * @param[in]     voices  1..WP_CHORUS_MAX_VOICES.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p c is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p voices is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_chorus_set_voices(wp_chorus *c, int voices);
/**
 * Sets the stereo LFO offset.
 *
 * 0..1, default 1 (see the delay formula above). Accepted but ignored for
 * mono. Glides (two one-pole stages of 50 ms).
 * Real-time safe.
 *
 * @param[in,out] c       the chorus.
 * @param[in]     spread  0..1.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p c is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p spread is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_chorus_set_spread(wp_chorus *c, double spread);
/**
 * Sets the dry/wet mix.
 *
 * 0..1, default 0.5 (0 = dry exactly, 1 = wet only: vibrato). Glides (two
 * one-pole stages of 5 ms).
 * Real-time safe.
 *
 * @param[in,out] c    the chorus.
 * @param[in]     mix  wet fraction, 0..1.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p c is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p mix is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_chorus_set_mix(wp_chorus *c, double mix);
/**
 * Enables the chorus or bypasses it.
 *
 * Default true. Bypass crossfades to dry (20 ms, smoothstep), then stops
 * processing (no CPU) and clears the delay lines; re-enabling fades the
 * lines' input and the wet output back in.
 * Real-time safe.
 *
 * @param[in,out] c        the chorus.
 * @param[in]     enabled  true = process, false = bypass.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p c is NULL.
 */
WP_NODISCARD wp_status wp_chorus_set_enabled(wp_chorus *c, bool enabled);

#ifdef __cplusplus
}
#endif

#endif
