/**
 * @file
 * wavepool: stereo utility: mid/side width, pan or balance, gain.
 *
 * Channels: 1 or 2 (other counts give WP_ERR_OUT_OF_RANGE at create).
 *
 * Signal path, stereo (per frame, in place):
 * @verbatim
     width (mid/side):  M = (L + R) / 2, S = (L - R) / 2, S *= width,
                        i.e. L' = a L + b R, R' = b L + a R with
                        a = (1 + width) / 2, b = (1 - width) / 2;
     pan:               L'' = gl L', R'' = gr R' (law below);
     gain:              both channels times 10^(gain_db / 20).
   @endverbatim
 * The three stages are folded into one 2x2 matrix per frame, so width 100 %,
 * centre balance and 0 dB pass the input bit-exactly, and width 0 % gives
 * L == R == (L + R) / 2 bit-exactly (both rows of the matrix are equal).
 *
 * Pan law, `theta = (pan + 1) * pi / 4`:
 * @verbatim
     WP_STEREO_PAN_CONSTANT_POWER: gl = cos(theta), gr = sin(theta)
       (computed as sin(pi/4 (1 - pan)) and sin(pi/4 (1 + pan)) so the ends
       are exact): -3.01 dB per channel at the centre, gl^2 + gr^2 = 1 at
       every position. This is the law for a MONO source carried in both
       channels (L == R): it places it with constant power. A stereo source
       gets the same gains, i.e. it loses 3 dB at the centre.
     WP_STEREO_PAN_BALANCE (default): the same sin/cos law scaled by sqrt(2)
       and capped at 0 dB: gl = min(1, sqrt(2) cos(theta)), gr = min(1,
       sqrt(2) sin(theta)). For a STEREO source: the centre is unity (the
       image passes unchanged), panning left keeps L and fades R along the
       sine law to silence at -1 (and vice versa). No channel is ever
       boosted, so balance cannot clip what the input did not.
   @endverbatim
 * Mono (1 channel): an in-place mono buffer has no image to widen or place,
 * so width and pan are accepted but do not act; only gain and enable do. To
 * pan a mono source, feed it in both channels of a stereo buffer and use
 * WP_STEREO_PAN_CONSTANT_POWER.
 *
 * Parameters (setters return WP_ERR_OUT_OF_RANGE outside the range, NaN
 * included, and keep the old value; WP_ERR_INVALID_ARGUMENT for NULL or an
 * unknown enum):
 * @verbatim
     width     percent, 0..200, default 100 (0 = mono, 200 = side doubled)
     pan       -1 (left) .. 1 (right), default 0
     pan mode  WP_STEREO_PAN_BALANCE (default) or WP_STEREO_PAN_CONSTANT_POWER
     gain      dB, -60..+24, default 0
     enabled   default on; off is a true bypass (input untouched)
   @endverbatim
 * Every change (including the pan mode and enable) glides: each matrix
 * factor follows a one-pole smoother with a WP_STEREO_SMOOTH_MS time
 * constant, per sample, so there are no clicks or zipper noise.
 *
 * Latency: none. Threads: one object per thread at a time; create/destroy
 * allocate, everything else is real-time safe (no allocation, lock or I/O).
 * Output is bit-identical for any split of the input into blocks.
 *
 * Handles: the setters return WP_ERR_INVALID_ARGUMENT for a NULL object;
 * the other functions but wp_stereo_destroy() (which accepts NULL) need a
 * valid one.
 */
#ifndef WAVEPOOL_STEREO_H
#define WAVEPOOL_STEREO_H

#include <stddef.h>

#include "wavepool/dsp.h"
#include "wavepool/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Time constant of every glide (each matrix factor), ms. */
#define WP_STEREO_SMOOTH_MS 10.0

/** A stereo utility (opaque); made by wp_stereo_create(), freed by wp_stereo_destroy(). */
typedef struct wp_stereo wp_stereo;

/** Pan law (formulas in the file description). */
typedef enum wp_stereo_pan_mode {
    WP_STEREO_PAN_BALANCE = 0,       /**< balance for a stereo source: unity at the centre, never boosts (default) */
    WP_STEREO_PAN_CONSTANT_POWER = 1 /**< constant-power pan for a mono source in both channels: -3.01 dB at the centre */
} wp_stereo_pan_mode;

/**
 * Creates a stereo utility with the default settings listed above.
 *
 * sample_rate in WP_DSP_MIN_RATE..WP_DSP_MAX_RATE Hz, channels 1 or 2;
 * otherwise WP_ERR_OUT_OF_RANGE. NULL out: WP_ERR_INVALID_ARGUMENT.
 * Allocates: not real-time safe.
 *
 * @param[in]  sample_rate  Hz, WP_DSP_MIN_RATE..WP_DSP_MAX_RATE (8000..384000).
 * @param[in]  channels     1 or 2.
 * @param[out] out          receives the stereo utility, owned by the caller, who frees
 *                          it with wp_stereo_destroy(); set to NULL on failure
 *                          when not NULL itself.
 * @retval WP_OK                    created.
 * @retval WP_ERR_INVALID_ARGUMENT  @p out is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p sample_rate or @p channels is outside
 *                                  its range.
 * @retval WP_ERR_OUT_OF_MEMORY     an allocation failed.
 */
WP_NODISCARD wp_status wp_stereo_create(double sample_rate, int channels, wp_stereo **out);
/**
 * Frees a stereo utility. Not real-time safe.
 *
 * @param[in] st  object from wp_stereo_create(), or NULL (then nothing happens).
 */
void wp_stereo_destroy(wp_stereo *st);
/**
 * Settles every glide at its target (there is no other history).
 *
 * Real-time safe.
 *
 * @param[in,out] st  the stereo utility (not NULL).
 */
void wp_stereo_reset(wp_stereo *st);
/**
 * Applies width, pan and gain to `frames` frames in place.
 *
 * No latency. channels[c] for c < channel count; frames may be 0. With one
 * channel only gain and enable act. Real-time safe.
 *
 * @param[in,out] st        the stereo utility (not NULL).
 * @param[in,out] channels  one pointer per channel (1 or 2, as created) to
 *                          @p frames float samples.
 * @param[in]     frames    frames per channel, 0 allowed.
 */
void wp_stereo_process(wp_stereo *st, float *const *channels, size_t frames);

/**
 * Sets the mid/side width.
 *
 * percent, 0..200, default 100 (0 = mono, 200 = side doubled). Accepted
 * but without effect for mono. Glides (WP_STEREO_SMOOTH_MS).
 * Real-time safe.
 *
 * @param[in,out] st       the stereo utility.
 * @param[in]     percent  percent, 0..200.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p st is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p percent is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_stereo_set_width(wp_stereo *st, double percent);
/**
 * Sets the pan or balance position.
 *
 * -1 (left) .. 1 (right), default 0, with the law of the pan mode.
 * Accepted but without effect for mono. Glides (WP_STEREO_SMOOTH_MS).
 * Real-time safe.
 *
 * @param[in,out] st   the stereo utility.
 * @param[in]     pan  -1..1.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p st is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p pan is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_stereo_set_pan(wp_stereo *st, double pan);
/**
 * Selects the pan law.
 *
 * WP_STEREO_PAN_BALANCE (default) or WP_STEREO_PAN_CONSTANT_POWER. Glides (WP_STEREO_SMOOTH_MS).
 * Real-time safe.
 *
 * @param[in,out] st    the stereo utility.
 * @param[in]     mode  a wp_stereo_pan_mode value.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p st is NULL or @p mode is not a
 *                                  wp_stereo_pan_mode value.
 */
WP_NODISCARD wp_status wp_stereo_set_pan_mode(wp_stereo *st, wp_stereo_pan_mode mode);
/**
 * Sets the output gain.
 *
 * dB, -60..+24, default 0. Glides (WP_STEREO_SMOOTH_MS).
 * Real-time safe.
 *
 * @param[in,out] st  the stereo utility.
 * @param[in]     db  dB, -60..24.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p st is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p db is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_stereo_set_gain_db(wp_stereo *st, double db);
/**
 * Enables the stereo utility or bypasses it.
 *
 * Default on; off is a true bypass (input untouched) once the glide has
 * settled. Glides (WP_STEREO_SMOOTH_MS).
 * Real-time safe.
 *
 * @param[in,out] st       the stereo utility.
 * @param[in]     enabled  nonzero = on, 0 = off.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p st is NULL.
 */
WP_NODISCARD wp_status wp_stereo_set_enabled(wp_stereo *st, int enabled);

#ifdef __cplusplus
}
#endif

#endif
