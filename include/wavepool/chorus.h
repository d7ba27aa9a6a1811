/* wavepool: multi-voice chorus (modulated delays, Hermite interpolation).
 *
 * Each channel runs `voices` copies of its input through a delay that a
 * sine LFO sweeps between delay_ms and delay_ms + depth_ms. Voice v
 * (0 <= v < N = voices) of channel c (0 = left, 1 = right) has the delay
 *
 *   D(n) = delay_ms + depth_ms * (1 - cos(2 pi (phi(n) + v/N + c * spread/(2N)))) / 2
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
 * wet = (1/N) * sum over voices; out = (1 - mix) * in + mix * wet. With
 * depth 0 every voice is the input delayed by exactly delay_ms.
 *
 * Channels: 1 or 2 (mono in, mono out; stereo in, stereo out; spread is
 * ignored for mono); create rejects others with WP_ERR_OUT_OF_RANGE.
 *
 * Parameters (unit, range, default); outside the range (or NaN) a setter
 * returns WP_ERR_OUT_OF_RANGE and keeps the old value:
 *   rate_hz   LFO rate, Hz, 0.05..10, default 0.8.
 *   depth_ms  peak-to-peak sweep of each voice's delay, ms, 0..20, default 3.
 *   delay_ms  shortest delay of the sweep, ms, 1..40, default 10.
 *   voices    1..WP_CHORUS_MAX_VOICES (8), default 2.
 *   spread    stereo LFO offset, 0..1, default 1.
 *   mix       0..1, default 0.5 (0 = dry exactly, 1 = wet only: vibrato).
 *   enabled   default true. Bypass crossfades to dry (20 ms, smoothstep),
 *             then stops processing (no CPU) and clears the delay lines;
 *             re-enabling fades the lines' input and the wet output back
 *             in, so nothing stale comes back and nothing clicks.
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
 */
#ifndef WAVEPOOL_CHORUS_H
#define WAVEPOOL_CHORUS_H

#include <stdbool.h>
#include <stddef.h>

#include "wavepool/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WP_CHORUS_MAX_VOICES 8

typedef struct wp_chorus wp_chorus;

/* sample_rate 8000..384000 Hz, channels 1..2: WP_ERR_OUT_OF_RANGE otherwise;
 * NULL out: WP_ERR_INVALID_ARGUMENT. */
WP_NODISCARD wp_status wp_chorus_create(double sample_rate, int channels, wp_chorus **out);
void wp_chorus_destroy(wp_chorus *c);
/* Clears the delay lines, sets the LFO phase to 0 and settles every
 * smoothed parameter on its target. */
void wp_chorus_reset(wp_chorus *c);
/* In place; channels[c] for c < channel count, frames may be 0. */
void wp_chorus_process(wp_chorus *c, float *const *channels, size_t frames);

WP_NODISCARD wp_status wp_chorus_set_rate_hz(wp_chorus *c, double hz);
WP_NODISCARD wp_status wp_chorus_set_depth_ms(wp_chorus *c, double ms);
WP_NODISCARD wp_status wp_chorus_set_delay_ms(wp_chorus *c, double ms);
WP_NODISCARD wp_status wp_chorus_set_voices(wp_chorus *c, int voices);
WP_NODISCARD wp_status wp_chorus_set_spread(wp_chorus *c, double spread);
WP_NODISCARD wp_status wp_chorus_set_mix(wp_chorus *c, double mix);
WP_NODISCARD wp_status wp_chorus_set_enabled(wp_chorus *c, bool enabled);

#ifdef __cplusplus
}
#endif

#endif
