/**
 * @file
 * wavepool: conventions shared by every DSP module (eq, fx, loudness,
 * generator, chain).
 *
 * Audio layout: planar float32 channels, `float *const *channels` with
 * `channels[c][i]` sample i of channel c, processed in place. Nominal level
 * is +-1.0 = 0 dBFS; larger values pass through unclipped unless a module
 * says otherwise.
 *
 * Sample rates: WP_DSP_MIN_RATE..WP_DSP_MAX_RATE Hz. Channels:
 * 1..WP_DSP_MAX_CHANNELS (loudness weights channels as in BS.1770 up to 5.1).
 *
 * Objects: create (allocates; not real-time safe), process (real-time safe:
 * no allocation, lock, I/O or logging), reset (clears signal history, keeps
 * settings; real-time safe), destroy. Setters validate their argument and
 * return WP_ERR_OUT_OF_RANGE outside the documented range, leaving the old
 * value in place: nothing is silently clamped. Setters are real-time safe and
 * take effect smoothly (no clicks). An object is used by one thread at a
 * time; the real-time chain (chain.h) is what other threads talk to.
 *
 * Block size: `process()` gives bit-identical output for any split of the
 * input into blocks, including blocks of one frame.
 *
 * Denormals: recursive state is flushed to zero explicitly below ~1e-30, so
 * no build depends on the CPU's flush-to-zero mode (wasm has none).
 */
#ifndef WAVEPOOL_DSP_H
#define WAVEPOOL_DSP_H

/** Lowest sample rate a DSP module accepts, Hz. */
#define WP_DSP_MIN_RATE 8000.0
/** Highest sample rate a DSP module accepts, Hz. */
#define WP_DSP_MAX_RATE 384000.0
/** Most channels a DSP module accepts (modules may accept fewer). */
#define WP_DSP_MAX_CHANNELS 8

#endif
