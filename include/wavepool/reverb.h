/**
 * @file
 * wavepool: algorithmic reverb (16-line feedback delay network).
 *
 * Signal flow: input -> pre-delay -> DC blocker (5 Hz) -> 4 series
 * Schroeder all-pass diffusers (Dattorro's lengths; they turn each input
 * sample into a dense cluster, so the tail is dense from its start) ->
 * feedback delay network of 16 lines (19..84 ms, distinct primes in samples
 * at every rate; 0.7 s in total, i.e. 0.7 modes per Hz, so long tails do
 * not ring metallic) mixed by an orthogonal 16x16 Hadamard matrix
 * (lossless, and every line feeds every other with equal weight, which
 * makes the echo density grow fastest: about Gaussian after 100 ms).
 * Each line's output passes a first-order shelving filter whose gains at DC
 * and at Nyquist come from the desired decay times: for a line of m samples
 * the gain is `10^(-3 m / (T * rate))`, so every path through the network
 * loses exactly 60 dB per T seconds and the reverberation time does not
 * depend on the path. The shelf's midpoint (in dB) is at damping_hz. A
 * 1 Hz high-pass in each line stops sub-audio modes from ringing (it
 * shortens the decay only below about 20 Hz), so a DC offset or a step in
 * the input leaves no slowly decaying offset in the output.
 *
 * Stereo: the two input channels enter the network through orthogonal
 * sign patterns and the two outputs are read through two further
 * orthogonal patterns, so the left and right tails are decorrelated; width
 * then blends them with constant power: `L' = cos(a) L + sin(a) R`,
 * `R' = sin(a) L + cos(a) R`, `a = (1 - width) * pi/4` (width 0 = mono tail;
 * the tails' correlation is `sin((1 - width) pi/2)`).
 * Mono in, mono out: one channel in, one out; width is ignored.
 * Channels: 1 or 2; create rejects others with WP_ERR_OUT_OF_RANGE.
 *
 * Output: `out = (1 - mix) * in + mix * wet` (linear crossfade). The wet
 * level grows with the decay time, as in a room: for white noise in, the
 * wet RMS equals the input RMS at decay 2 s (default damping), is 4 dB
 * lower at 0.3 s and 9 dB higher at 20 s.
 *
 * Parameters (unit, range, default); outside the range (or NaN) a setter
 * returns WP_ERR_OUT_OF_RANGE and keeps the old value:
 * @verbatim
     decay_s       RT60 (time to fall 60 dB) at low and mid frequencies,
                   seconds, 0.1..20, default 2.
     damping       high-frequency damping, 0..0.95, default 0.5: the RT60
                   near Nyquist is (1 - damping) * decay_s; at damping_hz
                   the decay rate (dB/s) is midway between the two. 0 gives
                   a frequency-independent decay.
     damping_hz    shelf midpoint, Hz, 200..min(20000, 0.45 * rate),
                   default min(5000, 0.45 * rate).
     predelay_ms   delay before the reverb starts, ms, 0..250, default 10,
                   rounded to whole samples. Changes crossfade over 50 ms.
     width         stereo decorrelation, 0..1, default 1.
     mix           0..1, default 0.25 (0 = dry exactly, 1 = wet only).
     enabled       default true. Bypass crossfades to dry (20 ms,
                   smoothstep), then stops processing (no CPU) and clears
                   the tail; re-enabling fades the network's input and the
   @endverbatim
 *                 wet output back in, so no stale tail returns.
 * decay_s, damping and damping_hz move the loop filter coefficients along a
 * straight line from the old to the new set (two one-pole stages of 10 ms;
 * every intermediate filter is stable); width and mix glide through two
 * one-pole stages of 5 ms (about 10 ms to 63%, without a kink).
 *
 * Latency: none on the dry path. Memory, allocated at create: 3.3 MB at
 * 384 kHz (network 2 MB, pre-delay 1 MB, diffusers 0.25 MB), 0.4 MB at
 * 48 kHz.
 * Cost: per frame, 16 delay reads, 4-wide SIMD filters and a 16-point
 * Hadamard transform (GCC/Clang vector extensions: SSE, wasm simd128).
 *
 * Thread/real-time safety: create and destroy allocate and are not
 * real-time safe; process, reset and the setters allocate nothing and take
 * no locks. One thread at a time per object. Output is bit-identical for
 * any split of the input into blocks.
 *
 * Handles: the setters return WP_ERR_INVALID_ARGUMENT for a NULL object;
 * wp_reverb_reset() and wp_reverb_process() need a valid one;
 * wp_reverb_destroy() accepts NULL.
 */
#ifndef WAVEPOOL_REVERB_H
#define WAVEPOOL_REVERB_H

#include <stdbool.h>
#include <stddef.h>

#include "wavepool/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An algorithmic reverb (opaque); made by wp_reverb_create(), freed by wp_reverb_destroy(). */
typedef struct wp_reverb wp_reverb;

/**
 * Creates a reverb with the default settings listed above.
 *
 * sample_rate 8000..384000 Hz, channels 1..2: WP_ERR_OUT_OF_RANGE otherwise;
 * NULL out: WP_ERR_INVALID_ARGUMENT. Allocates the delay memory (3.3 MB at
 * 384 kHz, 0.4 MB at 48 kHz).
 * Allocates: not real-time safe.
 *
 * @param[in]  sample_rate  Hz, WP_DSP_MIN_RATE..WP_DSP_MAX_RATE (8000..384000).
 * @param[in]  channels     1 or 2.
 * @param[out] out          receives the reverb, owned by the caller, who frees
 *                          it with wp_reverb_destroy(); set to NULL on failure
 *                          when not NULL itself.
 * @retval WP_OK                    created.
 * @retval WP_ERR_INVALID_ARGUMENT  @p out is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p sample_rate or @p channels is outside
 *                                  its range.
 * @retval WP_ERR_OUT_OF_MEMORY     an allocation failed.
 */
WP_NODISCARD wp_status wp_reverb_create(double sample_rate, int channels, wp_reverb **out);
/**
 * Frees a reverb. Not real-time safe.
 *
 * @param[in] r  object from wp_reverb_create(), or NULL (then nothing happens).
 */
void wp_reverb_destroy(wp_reverb *r);
/**
 * Clears the tail and settles every smoothed parameter on its target.
 *
 * A bypass fade in progress completes too. Real-time safe (no allocation or
 * lock; one pass over the delay memory).
 *
 * @param[in,out] r  the reverb (not NULL).
 */
void wp_reverb_reset(wp_reverb *r);
/**
 * Processes `frames` frames of every channel in place.
 *
 * In place; channels[c] for c < channel count, frames may be 0. Once a
 * bypass has completed the buffers are left untouched (no CPU). Real-time
 * safe.
 *
 * @param[in,out] r         the reverb (not NULL).
 * @param[in,out] channels  one pointer per channel (1 or 2, as created) to
 *                          @p frames float samples.
 * @param[in]     frames    frames per channel, 0 allowed.
 */
void wp_reverb_process(wp_reverb *r, float *const *channels, size_t frames);

/**
 * Sets the decay time (RT60 at low and mid frequencies).
 *
 * Seconds, 0.1..20, default 2. The loop filters move to the new decay
 * (two one-pole stages of 10 ms).
 * Real-time safe.
 *
 * @param[in,out] r        the reverb.
 * @param[in]     seconds  RT60, seconds, 0.1..20.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p r is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p seconds is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_reverb_set_decay_s(wp_reverb *r, double seconds);
/**
 * Sets the high-frequency damping.
 *
 * 0..0.95, default 0.5: the RT60 near Nyquist is (1 - damping) * decay_s;
 * 0 gives a frequency-independent decay. Glides like the decay.
 * Real-time safe.
 *
 * @param[in,out] r        the reverb.
 * @param[in]     damping  0..0.95 (dimensionless).
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p r is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p damping is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_reverb_set_damping(wp_reverb *r, double damping);
/**
 * Sets the damping shelf's midpoint frequency.
 *
 * Hz, 200..min(20000, 0.45 * rate), default min(5000, 0.45 * rate): there
 * the decay rate (dB/s) is midway between the low and the high one. Glides
 * like the decay.
 * Real-time safe.
 *
 * @param[in,out] r   the reverb.
 * @param[in]     hz  Hz, 200..min(20000, 0.45 * sample rate).
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p r is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p hz is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_reverb_set_damping_hz(wp_reverb *r, double hz);
/**
 * Sets the delay before the reverb starts.
 *
 * ms, 0..250, default 10, rounded to whole samples. Changes crossfade over
 * 50 ms.
 * Real-time safe.
 *
 * @param[in,out] r   the reverb.
 * @param[in]     ms  ms, 0..250.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p r is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p ms is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_reverb_set_predelay_ms(wp_reverb *r, double ms);
/**
 * Sets the stereo width of the tail.
 *
 * 0..1, default 1 (0 = mono tail). Accepted but ignored for mono. Glides
 * (two one-pole stages of 5 ms).
 * Real-time safe.
 *
 * @param[in,out] r      the reverb.
 * @param[in]     width  0..1.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p r is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p width is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_reverb_set_width(wp_reverb *r, double width);
/**
 * Sets the dry/wet mix.
 *
 * 0..1, default 0.25 (0 = dry exactly, 1 = wet only). Glides (two one-pole
 * stages of 5 ms).
 * Real-time safe.
 *
 * @param[in,out] r    the reverb.
 * @param[in]     mix  wet fraction, 0..1.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p r is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p mix is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_reverb_set_mix(wp_reverb *r, double mix);
/**
 * Enables the reverb or bypasses it.
 *
 * Default true. Bypass crossfades to dry (20 ms, smoothstep), then stops
 * processing (no CPU) and clears the tail; re-enabling fades the network's
 * input and the wet output back in, so no stale tail returns.
 * Real-time safe.
 *
 * @param[in,out] r        the reverb.
 * @param[in]     enabled  true = process, false = bypass.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p r is NULL.
 */
WP_NODISCARD wp_status wp_reverb_set_enabled(wp_reverb *r, bool enabled);

#ifdef __cplusplus
}
#endif

#endif
