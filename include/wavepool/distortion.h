/**
 * @file
 * wavepool: oversampled waveshaping distortion with drive, three curves,
 * tilt tone, dry/wet mix and output level.
 *
 * Channels: 1 or 2 (other counts give WP_ERR_OUT_OF_RANGE at create),
 * processed independently with the same settings.
 *
 * Signal path per channel:
 * @verbatim
     x * drive -> oversample -> curve (with first-order antiderivative
     anti-aliasing) -> decimate -> [DC removal, asymmetric curve] -> tilt
     tone -> mix with the dry input (delayed by the latency) -> output level
     -> enable crossfade with the delayed dry input.
   @endverbatim
 *
 * Oversampling (wp_distortion_factor()): 8x at 44.1/48 kHz (and below), 4x at
 * 88.2/96 kHz, 2x at 176.4/192 kHz, 1x at 352.8/384 kHz: the curve always
 * runs at >= 352.8 kHz (64 kHz at 8 kHz). Linear-phase polyphase FIR stages
 * with 80 dB stopbands: the first (base <-> 2x) passes 0..0.4167 fs (20 kHz
 * at 48 kHz) and stops from 0.5 fs, so no harmonic above the base Nyquist
 * frequency folds back; half-band stages do the rest. On top, the curve is
 * evaluated with first-order antiderivative anti-aliasing (ADAA: the mean
 * of the curve over each step, `(F(x1) - F(x0)) / (x1 - x0)`), which
 * attenuates what the curve generates near the top rate (where aliases
 * would come from) by a further 20..40 dB; 4x with ADAA measured only
 * -53 dBc on the case below, hence 8x. Result: a 5 kHz sine at 48 kHz
 * with 36 dB drive has every aliased line below -72 dBc (hard curve; -77
 * soft), and below -63 dBc at 48 dB drive (the test measures these). ADAA
 * averages over one top-rate step, so the wet path droops by -0.12 dB at
 * 20 kHz (8x at 48 kHz) and lags by half a top-rate sample (1/16 frame at
 * 8x), which the integer latency leaves out (-0.03 dB at 20 kHz in a 50 %
 * mix, from the lag).
 *
 * Latency: wp_distortion_latency() frames: 69 at 44.1/48 kHz (1.44 ms at
 * 48 kHz) and below, 67 at 88.2/96 kHz, 61 at 176.4/192 kHz, 0 at
 * 352.8/384 kHz. The dry path (mix, bypass) is delayed by the same amount,
 * so they line up, and the latency stays the same when disabled.
 *
 * Curves, on the driven signal x (each bounded, odd or biased-odd):
 * @verbatim
     WP_DISTORTION_SOFT (default): tanh-like, C2-smooth saturation:
       f(x) = p(x / 1.875) with p(u) = (15 u - 10 u^3 + 3 u^5) / 8 for
       |u| < 1, sign(u) beyond. Slope 1 at 0 (small signals pass unchanged),
       reaches +-1 at |x| = 1.875 with zero first and second derivative.
     WP_DISTORTION_HARD: f(x) = clamp(x, -1, 1).
     WP_DISTORTION_ASYMMETRIC: the soft curve biased by b = 0.5:
       f(x) = soft(x + b) - soft(b) (0 at 0; positive half saturates at
       1 - soft(b) = 0.523, negative at -1.477), giving even harmonics. The
       signal-dependent DC this produces is removed by a first-order high-
       pass at WP_DISTORTION_DC_HZ, active for this curve only.
     Curve changes crossfade between the curves over the smoothing time.
   @endverbatim
 *
 * Parameters (setters return WP_ERR_OUT_OF_RANGE outside the range, NaN
 * included, keeping the old value; WP_ERR_INVALID_ARGUMENT for NULL or an
 * unknown enum):
 * @verbatim
     drive     dB, 0..48, default 12 (gain before the curve)
     curve     see above, default WP_DISTORTION_SOFT
     tone      -1..1, default 0 (flat): a first-order tilt pivoting at
               WP_DISTORTION_TILT_HZ, high shelf 10^(6 tone / 20), low shelf
               the reciprocal (+-6 dB each side at the ends, 0 dB at the
               pivot): -1 darkest, +1 brightest. Applies to the wet signal.
     mix       0..1 (wet fraction), default 1
     output    dB, -60..+12, default 0: gain after the mix
     enabled   default on; off gives the dry input delayed by the latency,
               bit-exact. After a complete bypass the wet path restarts from
               silence and is refilled for 2 * latency + 1 frames before the
               crossfade in begins, so re-enabling never clicks.
   @endverbatim
 * Every parameter glides per sample with a WP_DISTORTION_SMOOTH_MS time
 * constant (no clicks or zipper noise).
 *
 * Cost: while enabled, per channel and frame about 360 multiply-adds of
 * FIR filtering (SIMD, 16 outputs at a time) and `factor` curve
 * evaluations (a few multiplies; a division only on steps across a knee);
 * no libm calls per sample. Disabled and settled, only the latency delay
 * runs.
 *
 * Threads: one object per thread at a time; create/destroy allocate,
 * everything else is real-time safe. Output is bit-identical for any split
 * of the input into blocks.
 *
 * Handles: the setters return WP_ERR_INVALID_ARGUMENT for a NULL object;
 * the other functions but wp_distortion_destroy() (which accepts NULL)
 * need a valid one.
 */
#ifndef WAVEPOOL_DISTORTION_H
#define WAVEPOOL_DISTORTION_H

#include <stddef.h>

#include "wavepool/dsp.h"
#include "wavepool/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Time constant of every parameter glide, ms. */
#define WP_DISTORTION_SMOOTH_MS 10.0
/** Pivot frequency of the tilt tone, Hz. */
#define WP_DISTORTION_TILT_HZ 1000.0
/** Corner of the DC-removal high-pass (asymmetric curve only), Hz. */
#define WP_DISTORTION_DC_HZ 10.0

/** An oversampled distortion (opaque); made by wp_distortion_create(), freed by wp_distortion_destroy(). */
typedef struct wp_distortion wp_distortion;

/** Waveshaping curve (formulas in the file description). */
typedef enum wp_distortion_curve {
    WP_DISTORTION_SOFT = 0,      /**< tanh-like C2-smooth saturation (default) */
    WP_DISTORTION_HARD = 1,      /**< hard clip to -1..1 */
    WP_DISTORTION_ASYMMETRIC = 2 /**< soft curve biased by 0.5: even harmonics, DC removed */
} wp_distortion_curve;

/**
 * Creates a distortion with the default settings listed above.
 *
 * sample_rate in WP_DSP_MIN_RATE..WP_DSP_MAX_RATE Hz, channels 1 or 2;
 * otherwise WP_ERR_OUT_OF_RANGE. NULL out: WP_ERR_INVALID_ARGUMENT. The
 * oversampling factor and the latency follow from the rate.
 * Allocates: not real-time safe.
 *
 * @param[in]  sample_rate  Hz, WP_DSP_MIN_RATE..WP_DSP_MAX_RATE (8000..384000).
 * @param[in]  channels     1 or 2.
 * @param[out] out          receives the distortion, owned by the caller, who frees
 *                          it with wp_distortion_destroy(); set to NULL on failure
 *                          when not NULL itself.
 * @retval WP_OK                    created.
 * @retval WP_ERR_INVALID_ARGUMENT  @p out is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p sample_rate or @p channels is outside
 *                                  its range.
 * @retval WP_ERR_OUT_OF_MEMORY     an allocation failed.
 */
WP_NODISCARD wp_status wp_distortion_create(double sample_rate, int channels, wp_distortion **out);
/**
 * Frees a distortion. Not real-time safe.
 *
 * @param[in] d  object from wp_distortion_create(), or NULL (then nothing happens).
 */
void wp_distortion_destroy(wp_distortion *d);
/**
 * Clears all signal history (filters, delay) and settles every glide.
 *
 * An enable crossfade in progress completes too. Real-time safe.
 *
 * @param[in,out] d  the distortion (not NULL).
 */
void wp_distortion_reset(wp_distortion *d);
/**
 * Processes `frames` frames of every channel in place.
 *
 * The output is delayed by wp_distortion_latency() frames (wet and dry
 * alike). channels[c] for c < channel count; frames may be 0. Real-time
 * safe.
 *
 * @param[in,out] d         the distortion (not NULL).
 * @param[in,out] channels  one pointer per channel (1 or 2, as created) to
 *                          @p frames float samples.
 * @param[in]     frames    frames per channel, 0 allowed.
 */
void wp_distortion_process(wp_distortion *d, float *const *channels, size_t frames);

/**
 * Frames of delay of the output (wet and dry alike).
 *
 * Fixed at create by the rate (69, 67, 61 or 0; see Latency). Real-time safe.
 *
 * @param[in] d  the distortion (not NULL).
 * @return latency in frames, >= 0.
 */
int wp_distortion_latency(const wp_distortion *d);
/**
 * Oversampling factor: 8, 4, 2 or 1.
 *
 * Fixed at create by the rate. Real-time safe.
 *
 * @param[in] d  the distortion (not NULL).
 * @return 8, 4, 2 or 1.
 */
int wp_distortion_factor(const wp_distortion *d);

/**
 * Sets the drive, the gain before the curve.
 *
 * dB, 0..48, default 12. Glides with a WP_DISTORTION_SMOOTH_MS time constant.
 * Real-time safe.
 *
 * @param[in,out] d   the distortion.
 * @param[in]     db  dB, 0..48.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p d is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p db is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_distortion_set_drive_db(wp_distortion *d, double db);
/**
 * Selects the waveshaping curve.
 *
 * Default WP_DISTORTION_SOFT. A change crossfades between the curves over
 * the smoothing time.
 * Real-time safe.
 *
 * @param[in,out] d      the distortion.
 * @param[in]     curve  a wp_distortion_curve value.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p d is NULL or @p curve is not a
 *                                  wp_distortion_curve value.
 */
WP_NODISCARD wp_status wp_distortion_set_curve(wp_distortion *d, wp_distortion_curve curve);
/**
 * Sets the tilt tone of the wet signal.
 *
 * -1..1, default 0 (flat): -1 darkest, +1 brightest (+-6 dB each side at
 * the ends, pivot WP_DISTORTION_TILT_HZ). Glides with a WP_DISTORTION_SMOOTH_MS time constant.
 * Real-time safe.
 *
 * @param[in,out] d     the distortion.
 * @param[in]     tone  -1..1.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p d is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p tone is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_distortion_set_tone(wp_distortion *d, double tone);
/**
 * Sets the dry/wet mix.
 *
 * 0..1 (wet fraction), default 1. The dry path is delayed by the latency.
 * Glides with a WP_DISTORTION_SMOOTH_MS time constant.
 * Real-time safe.
 *
 * @param[in,out] d    the distortion.
 * @param[in]     wet  wet fraction, 0..1.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p d is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p wet is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_distortion_set_mix(wp_distortion *d, double wet);
/**
 * Sets the output level, the gain after the mix.
 *
 * dB, -60..+12, default 0. Glides with a WP_DISTORTION_SMOOTH_MS time constant.
 * Real-time safe.
 *
 * @param[in,out] d   the distortion.
 * @param[in]     db  dB, -60..12.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p d is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p db is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_distortion_set_output_db(wp_distortion *d, double db);
/**
 * Enables the distortion or bypasses it.
 *
 * Default on; off gives the dry input delayed by the latency, bit-exact,
 * after a crossfade. Glides with a WP_DISTORTION_SMOOTH_MS time constant.
 * Real-time safe.
 *
 * @param[in,out] d        the distortion.
 * @param[in]     enabled  nonzero = on, 0 = off.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p d is NULL.
 */
WP_NODISCARD wp_status wp_distortion_set_enabled(wp_distortion *d, int enabled);

#ifdef __cplusplus
}
#endif

#endif
