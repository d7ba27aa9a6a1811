/* wavepool: algorithmic reverb (16-line feedback delay network).
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
 * the gain is 10^(-3 m / (T * rate)), so every path through the network
 * loses exactly 60 dB per T seconds and the reverberation time does not
 * depend on the path. The shelf's midpoint (in dB) is at damping_hz. A
 * 1 Hz high-pass in each line stops sub-audio modes from ringing (it
 * shortens the decay only below about 20 Hz), so a DC offset or a step in
 * the input leaves no slowly decaying offset in the output.
 *
 * Stereo: the two input channels enter the network through orthogonal
 * sign patterns and the two outputs are read through two further
 * orthogonal patterns, so the left and right tails are decorrelated; width
 * then blends them with constant power: L' = cos(a) L + sin(a) R,
 * R' = sin(a) L + cos(a) R, a = (1 - width) * pi/4 (width 0 = mono tail;
 * the tails' correlation is sin((1 - width) pi/2)).
 * Mono in, mono out: one channel in, one out; width is ignored.
 * Channels: 1 or 2; create rejects others with WP_ERR_OUT_OF_RANGE.
 *
 * Output: out = (1 - mix) * in + mix * wet (linear crossfade). The wet
 * level grows with the decay time, as in a room: for white noise in, the
 * wet RMS equals the input RMS at decay 2 s (default damping), is 4 dB
 * lower at 0.3 s and 9 dB higher at 20 s.
 *
 * Parameters (unit, range, default); outside the range (or NaN) a setter
 * returns WP_ERR_OUT_OF_RANGE and keeps the old value:
 *   decay_s       RT60 (time to fall 60 dB) at low and mid frequencies,
 *                 seconds, 0.1..20, default 2.
 *   damping       high-frequency damping, 0..0.95, default 0.5: the RT60
 *                 near Nyquist is (1 - damping) * decay_s; at damping_hz
 *                 the decay rate (dB/s) is midway between the two. 0 gives
 *                 a frequency-independent decay.
 *   damping_hz    shelf midpoint, Hz, 200..min(20000, 0.45 * rate),
 *                 default min(5000, 0.45 * rate).
 *   predelay_ms   delay before the reverb starts, ms, 0..250, default 10,
 *                 rounded to whole samples. Changes crossfade over 50 ms.
 *   width         stereo decorrelation, 0..1, default 1.
 *   mix           0..1, default 0.25 (0 = dry exactly, 1 = wet only).
 *   enabled       default true. Bypass crossfades to dry (20 ms,
 *                 smoothstep), then stops processing (no CPU) and clears
 *                 the tail; re-enabling fades the network's input and the
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
 */
#ifndef WAVEPOOL_REVERB_H
#define WAVEPOOL_REVERB_H

#include <stdbool.h>
#include <stddef.h>

#include "wavepool/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wp_reverb wp_reverb;

/* sample_rate 8000..384000 Hz, channels 1..2: WP_ERR_OUT_OF_RANGE otherwise;
 * NULL out: WP_ERR_INVALID_ARGUMENT. */
WP_NODISCARD wp_status wp_reverb_create(double sample_rate, int channels, wp_reverb **out);
void wp_reverb_destroy(wp_reverb *r);
/* Clears the tail and settles every smoothed parameter on its target. */
void wp_reverb_reset(wp_reverb *r);
/* In place; channels[c] for c < channel count, frames may be 0. */
void wp_reverb_process(wp_reverb *r, float *const *channels, size_t frames);

WP_NODISCARD wp_status wp_reverb_set_decay_s(wp_reverb *r, double seconds);
WP_NODISCARD wp_status wp_reverb_set_damping(wp_reverb *r, double damping);
WP_NODISCARD wp_status wp_reverb_set_damping_hz(wp_reverb *r, double hz);
WP_NODISCARD wp_status wp_reverb_set_predelay_ms(wp_reverb *r, double ms);
WP_NODISCARD wp_status wp_reverb_set_width(wp_reverb *r, double width);
WP_NODISCARD wp_status wp_reverb_set_mix(wp_reverb *r, double mix);
WP_NODISCARD wp_status wp_reverb_set_enabled(wp_reverb *r, bool enabled);

#ifdef __cplusplus
}
#endif

#endif
