/**
 * @file
 * wavepool: feedback delay (echo) with a high-cut in the loop and ping-pong.
 *
 * Per channel: `w[n] = in[n] + feedback * LP(d[n])`, `d[n] = w[n - D]`, where D
 * is the delay time in samples (fractional; Hermite interpolation) and LP a
 * first-order low-pass (bilinear, -3 dB at high_cut_hz, unity gain at DC).
 * The wet signal is d: the first echo is the input unfiltered after D, the
 * k-th echo is `feedback^(k-1) * LP^(k-1)(input)` after `k*D`; each pass is one
 * more -3 dB at high_cut_hz and darker above it.
 * Output: `out = (1 - mix) * in + mix * d` (linear crossfade).
 *
 * Channels: 1 or 2 (mono in, mono out; stereo in, stereo out); create
 * rejects others with WP_ERR_OUT_OF_RANGE. Ping-pong needs stereo and is
 * ignored for mono.
 *
 * Ping-pong p (stereo): the left line takes `(1 - p/2) * L + (p/2) * R` and the
 * right line `(1 - p) * R`, and each line's feedback takes (1 - p) of its own
 * output and p of the other's. p = 0: two independent echoes; p = 1: the mono
 * sum (L + R)/2 echoes left after D, right after 2D, left after 3D, ...
 *
 * Parameters (unit, range, default); outside the range (or NaN) a setter
 * returns WP_ERR_OUT_OF_RANGE and keeps the old value:
 * @verbatim
     time_ms      delay time, ms, 1..2000, default 375. Any value, fractional
                  samples included. A change crossfades (50 ms) from the old
                  echo to the new one: no click, no pitch sweep. A change
                  made during a crossfade starts when it ends.
     feedback     loop gain, 0..0.95, default 0.4 (0: a single echo). With
                  the unity-DC-gain high-cut the loop always decays.
     high_cut_hz  low-pass in the loop, Hz, 20..min(20000, 0.45 * rate),
                  default min(8000, 0.45 * rate).
     ping_pong    0..1, default 0.
     mix          0..1, default 0.35 (0 = dry exactly, 1 = echoes only).
     enabled      default true. Bypass crossfades to dry (20 ms,
                  smoothstep), then stops processing (no CPU) and clears
                  the echoes (one pass over the delay memory); re-enabling
                  fades the line's input and the wet output back in, so no
                  stale echo returns and a sound that plays on through the
                  switch gets echoes that start smoothly.
   @endverbatim
 * feedback, high_cut_hz (its coefficients), ping_pong and mix glide per
 * sample through two one-pole stages of 5 ms (about 10 ms to 63%, without
 * a kink), so automation neither clicks nor zippers.
 *
 * Interpolation: 4-point Hermite; its own error is below 1e-4 dB and
 * 4e-5 rad up to 1 kHz and 0.015 dB at 4 kHz (48 kHz rate, worst
 * fractional position).
 *
 * Latency: none (the dry path is immediate). Memory: 2 s of delay per
 * channel, allocated at create (about 4 MB per channel at 384 kHz).
 *
 * Thread/real-time safety: create and destroy allocate and are not
 * real-time safe; process, reset and the setters allocate nothing and take
 * no locks. One thread at a time per object. Output is bit-identical for
 * any split of the input into blocks.
 *
 * Handles: the setters return WP_ERR_INVALID_ARGUMENT for a NULL object;
 * wp_delay_reset() and wp_delay_process() need a valid one;
 * wp_delay_destroy() accepts NULL.
 */
#ifndef WAVEPOOL_DELAY_H
#define WAVEPOOL_DELAY_H

#include <stdbool.h>
#include <stddef.h>

#include "wavepool/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Longest delay time, ms (the delay memory allocated per channel). */
#define WP_DELAY_MAX_MS 2000.0
/** Highest loop high-cut, Hz, at any rate. */
#define WP_DELAY_MAX_HIGH_CUT_HZ 20000.0
/** Highest loop high-cut as a fraction of the sample rate (below Nyquist,
 * where the bilinear low-pass stays well-behaved). */
#define WP_DELAY_MAX_HIGH_CUT_RATIO 0.45

/** A feedback delay (opaque); made by wp_delay_create(), freed by wp_delay_destroy(). */
typedef struct wp_delay wp_delay;

/**
 * Creates a delay with the default settings listed above.
 *
 * sample_rate 8000..384000 Hz, channels 1..2: WP_ERR_OUT_OF_RANGE otherwise;
 * NULL out: WP_ERR_INVALID_ARGUMENT. Allocates WP_DELAY_MAX_MS of delay per
 * channel (about 4 MB per channel at 384 kHz).
 * Allocates: not real-time safe.
 *
 * @param[in]  sample_rate  Hz, WP_DSP_MIN_RATE..WP_DSP_MAX_RATE (8000..384000).
 * @param[in]  channels     1 or 2.
 * @param[out] out          receives the delay, owned by the caller, who frees
 *                          it with wp_delay_destroy(); set to NULL on failure
 *                          when not NULL itself.
 * @retval WP_OK                    created.
 * @retval WP_ERR_INVALID_ARGUMENT  @p out is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p sample_rate or @p channels is outside
 *                                  its range.
 * @retval WP_ERR_OUT_OF_MEMORY     an allocation failed.
 */
WP_NODISCARD wp_status wp_delay_create(double sample_rate, int channels, wp_delay **out);
/**
 * Frees a delay. Not real-time safe.
 *
 * @param[in] d  object from wp_delay_create(), or NULL (then nothing happens).
 */
void wp_delay_destroy(wp_delay *d);
/**
 * Clears the echoes and settles every smoothed parameter on its target.
 *
 * A delay-time crossfade or bypass fade in progress completes too.
 * Real-time safe (no allocation or lock; one pass over the delay memory).
 *
 * @param[in,out] d  the delay (not NULL).
 */
void wp_delay_reset(wp_delay *d);
/**
 * Processes `frames` frames of every channel in place.
 *
 * In place; channels[c] for c < channel count, frames may be 0. Once a
 * bypass has completed the buffers are left untouched (no CPU). Real-time
 * safe.
 *
 * @param[in,out] d         the delay (not NULL).
 * @param[in,out] channels  one pointer per channel (1 or 2, as created) to
 *                          @p frames float samples.
 * @param[in]     frames    frames per channel, 0 allowed.
 */
void wp_delay_process(wp_delay *d, float *const *channels, size_t frames);

/**
 * Sets the delay time.
 *
 * ms, 1..2000 (WP_DELAY_MAX_MS), default 375. Any value, fractional samples
 * included. A change crossfades (50 ms) from the old echo to the new one: no
 * click, no pitch sweep. A change made during a crossfade starts when it
 * ends.
 * Real-time safe.
 *
 * @param[in,out] d   the delay.
 * @param[in]     ms  ms, 1..WP_DELAY_MAX_MS.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p d is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p ms is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_delay_set_time_ms(wp_delay *d, double ms);
/**
 * Sets the loop gain.
 *
 * 0..0.95, default 0.4 (0: a single echo). With the unity-DC-gain high-cut
 * the loop always decays. Glides (two one-pole stages of 5 ms).
 * Real-time safe.
 *
 * @param[in,out] d         the delay.
 * @param[in]     feedback  linear gain, 0..0.95.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p d is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p feedback is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_delay_set_feedback(wp_delay *d, double feedback);
/**
 * Sets the corner of the low-pass in the loop.
 *
 * Hz, 20..min(20000, 0.45 * rate), default min(8000, 0.45 * rate); -3 dB
 * there, unity gain at DC. Its coefficients glide (two one-pole stages of
 * 5 ms).
 * Real-time safe.
 *
 * @param[in,out] d   the delay.
 * @param[in]     hz  Hz, 20..min(20000, 0.45 * sample rate).
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p d is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p hz is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_delay_set_high_cut_hz(wp_delay *d, double hz);
/**
 * Sets the ping-pong amount (stereo).
 *
 * 0..1, default 0 (see Ping-pong above). Accepted but ignored for mono.
 * Glides (two one-pole stages of 5 ms).
 * Real-time safe.
 *
 * @param[in,out] d       the delay.
 * @param[in]     amount  0..1.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p d is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p amount is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_delay_set_ping_pong(wp_delay *d, double amount);
/**
 * Sets the dry/wet mix.
 *
 * 0..1, default 0.35 (0 = dry exactly, 1 = echoes only). Glides (two
 * one-pole stages of 5 ms).
 * Real-time safe.
 *
 * @param[in,out] d    the delay.
 * @param[in]     mix  wet fraction, 0..1.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p d is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p mix is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_delay_set_mix(wp_delay *d, double mix);
/**
 * Enables the delay or bypasses it.
 *
 * Default true. Bypass crossfades to dry (20 ms, smoothstep), then stops
 * processing (no CPU) and clears the echoes (one pass over the delay
 * memory); re-enabling fades the line's input and the wet output back in,
 * so no stale echo returns.
 * Real-time safe.
 *
 * @param[in,out] d        the delay.
 * @param[in]     enabled  true = process, false = bypass.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p d is NULL.
 */
WP_NODISCARD wp_status wp_delay_set_enabled(wp_delay *d, bool enabled);

#ifdef __cplusplus
}
#endif

#endif
