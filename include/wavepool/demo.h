/** @file
 * @brief wavepool: the built-in demo track, synthesized on demand.
 *
 * A short loop so the app plays music with no file at hand: 16 bars of 4/4
 * at 120 BPM (32 s), A minor, progression Am7 - Fmaj7 - C - G once per bar,
 * in four 4-bar sections:
 *
 * ~~~
 *   bars  1-4  intro: pad with its low-pass opening, whole-note bass, kick on
 *              the one, soft 8th hats, a snare pickup into
 *   bars  5-8  groove: kick, snare on 2 and 4, 16th hats, root/fifth bass
 *   bars  9-12 variation: four-on-the-floor, offbeat open hats, octave bass,
 *              a plucked arpeggio with ping-pong echoes, pad darker
 *   bars 13-16 full: groove plus arpeggio, snare fill, pad closing into the
 *              intro again.
 * ~~~
 *
 * Voices: pad of detuned saws (two per chord note, spread left/right)
 * through a 12 dB/oct low-pass; bass of sine plus filtered saw; kick of a
 * pitch-swept sine with a fast click sweep; snare of two tones plus
 * band-passed noise; hats and crash of high-passed noise (hats right of
 * centre, crash left); arpeggio of saws, its echoes alternating sides.
 * Saws are PolyBLEP band-limited; noise bands are scaled with the rate so
 * the balance is the same at every rate (above 8 kHz of content the low
 * rates lose what lies beyond their Nyquist frequency).
 *
 * The piece is one period of a periodic signal: notes still sounding at the
 * end (pad release, crash) continue at the start, so playing it in a loop
 * has no seam. Level: about -16 LUFS integrated, sample peaks below
 * -1 dBFS (measured at 44.1 and 48 kHz by the unit test).
 *
 * Rendering is a pure function of (sample rate, frame): any range can be
 * rendered on its own, by any thread, and rendering the piece in chunks of
 * any sizes gives bit-identical samples to one call (so several workers can
 * render parts of it at once). Internally the piece is computed in grid
 * blocks of about 128 ms fixed in absolute frames; a block's filters start
 * 16 ms before it (their impulse responses decay by over 200 dB in that
 * time), so a call costs up to about 150 ms of extra synthesis at its ends.
 * Speed (one core, native, 48 kHz): see the test or the report; the whole
 * piece renders in a small fraction of real time.
 *
 * Threads and real-time: no allocation, lock, I/O or global state; about
 * 10 KB of stack. Not meant for the audio thread (a call costs at least one
 * grid block of synthesis) but safe to call from any thread.
 */
#ifndef WAVEPOOL_DEMO_H
#define WAVEPOOL_DEMO_H

#include <stddef.h>

#include "wavepool/dsp.h"
#include "wavepool/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Tempo of the piece, beats per minute. */
#define WP_DEMO_BPM 120
/** Beats per bar (4/4). */
#define WP_DEMO_BEATS_PER_BAR 4
/** Bars in the piece. */
#define WP_DEMO_BARS 16
/** Length of the piece, seconds:
 * `WP_DEMO_BARS * WP_DEMO_BEATS_PER_BAR * 60 / WP_DEMO_BPM` s. */
#define WP_DEMO_SECONDS 32.0

/** Title for the UI.
 *
 * Pure; any thread.
 *
 * @return a static string (never NULL; do not free).
 */
const char *wp_demo_title(void);

/** Length of the piece in frames at @p sample_rate: `round(32 s x rate)`.
 *
 * Pure; any thread, real-time safe.
 *
 * @param[in] sample_rate Hz.
 * @return frames; 0 when the rate is outside WP_DSP_MIN_RATE..WP_DSP_MAX_RATE
 *         (or NaN).
 */
size_t wp_demo_frames(double sample_rate);

/** Renders frames `[begin, begin + frames)` of the piece into the planar
 * buffers @p left and @p right.
 *
 * Nothing is written on error. Any thread; allocates nothing and takes no
 * lock, but costs at least one grid block of synthesis (not meant for the
 * audio thread). Bit-identical for any split into calls.
 *
 * @param[in]  sample_rate Hz, WP_DSP_MIN_RATE..WP_DSP_MAX_RATE.
 * @param[out] left        @p frames floats (left channel; must not overlap
 *                         @p right).
 * @param[out] right       @p frames floats (right channel).
 * @param[in]  begin       first frame, 0..wp_demo_frames(sample_rate).
 * @param[in]  frames      frames to render; `begin + frames` at most
 *                         wp_demo_frames(sample_rate); 0 is a no-op when
 *                         @p begin is within the piece.
 * @retval WP_OK                   rendered (or @p frames is 0).
 * @retval WP_ERR_INVALID_ARGUMENT @p left or @p right is NULL (checked first,
 *                                 even for 0 frames).
 * @retval WP_ERR_OUT_OF_RANGE     a rate outside
 *                                 WP_DSP_MIN_RATE..WP_DSP_MAX_RATE, or a range
 *                                 reaching past wp_demo_frames(sample_rate).
 */
WP_NODISCARD wp_status wp_demo_render(double sample_rate, float *left, float *right, size_t begin, size_t frames);

#ifdef __cplusplus
}
#endif

#endif
