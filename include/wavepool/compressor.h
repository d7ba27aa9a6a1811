/**
 * @file
 * wavepool: feed-forward compressor, stereo-linked, log-domain design after
 * Giannoulis, Massberg and Reiss, "Digital Dynamic Range Compressor Design -
 * A Tutorial and Analysis", JAES 60(6), 2012.
 *
 * Channels: 1 or 2 (other counts give WP_ERR_OUT_OF_RANGE at create). Both
 * channels always get the same gain (linked), so the stereo image holds.
 *
 * Per frame:
 * @verbatim
    1. Level detection, linked over the channels:
       PEAK: L = max over channels of |x|, in dB (20 log10 L);
       RMS:  L = mean over channels of x^2, averaged over a sliding
             rectangular window of WP_COMPRESSOR_RMS_WINDOW_MS (exact, not a
             one-pole), in dB (10 log10 L). A steady sine reads its RMS level
             (-3.01 dB below its peak) without ripple when the window holds a
             whole number of half periods (e.g. 100 Hz, 1 kHz).
    2. Static curve (gain computer) on that level x in dB, threshold T,
       ratio R, knee width W (Giannoulis et al. eq. 4):
         2 (x - T) < -W:      y = x
         2 |x - T| <= W:      y = x + (1/R - 1) (x - T + W/2)^2 / (2 W)
         2 (x - T) > W:       y = T + (x - T) / R
       gain computer output gc = y - x (dB, <= 0).
    3. Ballistics on gc in the log domain: the "smooth branching" detector of
       the paper: one pole with the attack coefficient while the gain
       reduction grows, the release coefficient while it shrinks, alpha =
       exp(-1 / (time * rate)). A level step therefore moves the gain (in dB)
       63 % (1 - 1/e) of the way in exactly the attack (or release) time;
       with RMS detection the window adds its own rise of up to
       WP_COMPRESSOR_RMS_WINDOW_MS on top.
    4. Gain = 10^((gc_smoothed + makeup) / 20), applied to every channel;
       then the dry/wet mix (parallel compression) and the enable crossfade.
       The dry path is the same input, so there is no latency and no comb.
   @endverbatim
 *
 * Parameters (setters return WP_ERR_OUT_OF_RANGE outside the range, NaN
 * included, keeping the old value; WP_ERR_INVALID_ARGUMENT for NULL or an
 * unknown enum):
 * @verbatim
     threshold    dB, -60..0, default -18
     ratio        1..100 (:1), default 4; 100 acts as infinity (limiting)
     knee         dB, 0..24 (full width, centred on the threshold), default 6
     attack       ms, 0.1..200, default 10
     release      ms, 5..5000, default 100
     makeup       dB, 0..24, default 0
     auto makeup  off by default; when on, adds -gc(0 dBFS), the static
                  curve's gain reduction at a 0 dB level (Giannoulis et al.),
                  to the makeup, so a 0 dBFS level comes out at 0 dBFS.
     detection    WP_COMPRESSOR_PEAK (default) or WP_COMPRESSOR_RMS
     mix          0..1 (wet fraction), default 1
     enabled      default on; off is a true bypass (input untouched)
   @endverbatim
 * Threshold, ratio, knee, makeup, mix, enable and the detection mode glide
 * per sample with a WP_COMPRESSOR_SMOOTH_MS time constant (no clicks);
 * attack and release act immediately (they are rates, not levels).
 *
 * Cost: one log2 per frame and one exp2 per frame while compressing, both
 * cheap polynomial approximations (dsp_util.h), no libm calls per sample.
 * Latency: none. Threads: one object per thread at a time; create/destroy
 * allocate, everything else is real-time safe. Output is bit-identical for
 * any split of the input into blocks.
 *
 * Handles: the setters return WP_ERR_INVALID_ARGUMENT for a NULL object;
 * the other functions but wp_compressor_destroy() (which accepts NULL)
 * need a valid one.
 */
#ifndef WAVEPOOL_COMPRESSOR_H
#define WAVEPOOL_COMPRESSOR_H

#include <stddef.h>

#include "wavepool/dsp.h"
#include "wavepool/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Length of the RMS detector's rectangular window, ms. */
#define WP_COMPRESSOR_RMS_WINDOW_MS 10.0
/** Time constant of the parameter glides, ms. */
#define WP_COMPRESSOR_SMOOTH_MS 10.0

/** A feed-forward compressor (opaque); made by wp_compressor_create(), freed by wp_compressor_destroy(). */
typedef struct wp_compressor wp_compressor;

/** Level detector of the compressor (step 1 above). */
typedef enum wp_compressor_detection {
    WP_COMPRESSOR_PEAK = 0, /**< largest |x| over the channels, per frame (default) */
    WP_COMPRESSOR_RMS = 1   /**< mean square over the channels and a WP_COMPRESSOR_RMS_WINDOW_MS window */
} wp_compressor_detection;

/**
 * Creates a compressor with the default settings listed above.
 *
 * sample_rate in WP_DSP_MIN_RATE..WP_DSP_MAX_RATE Hz, channels 1 or 2;
 * otherwise WP_ERR_OUT_OF_RANGE. NULL out: WP_ERR_INVALID_ARGUMENT.
 * Allocates: not real-time safe.
 *
 * @param[in]  sample_rate  Hz, WP_DSP_MIN_RATE..WP_DSP_MAX_RATE (8000..384000).
 * @param[in]  channels     1 or 2.
 * @param[out] out          receives the compressor, owned by the caller, who frees
 *                          it with wp_compressor_destroy(); set to NULL on failure
 *                          when not NULL itself.
 * @retval WP_OK                    created.
 * @retval WP_ERR_INVALID_ARGUMENT  @p out is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p sample_rate or @p channels is outside
 *                                  its range.
 * @retval WP_ERR_OUT_OF_MEMORY     an allocation failed.
 */
WP_NODISCARD wp_status wp_compressor_create(double sample_rate, int channels, wp_compressor **out);
/**
 * Frees a compressor. Not real-time safe.
 *
 * @param[in] c  object from wp_compressor_create(), or NULL (then nothing happens).
 */
void wp_compressor_destroy(wp_compressor *c);
/**
 * Clears the detector (no gain reduction) and settles every glide.
 *
 * Real-time safe.
 *
 * @param[in,out] c  the compressor (not NULL).
 */
void wp_compressor_reset(wp_compressor *c);
/**
 * Compresses `frames` frames of every channel in place.
 *
 * No latency. channels[c] for c < channel count; frames may be 0.
 * Real-time safe.
 *
 * @param[in,out] c         the compressor (not NULL).
 * @param[in,out] channels  one pointer per channel (1 or 2, as created) to
 *                          @p frames float samples.
 * @param[in]     frames    frames per channel, 0 allowed.
 */
void wp_compressor_process(wp_compressor *c, float *const *channels, size_t frames);

/**
 * Sets the threshold T of the static curve.
 *
 * dB, -60..0, default -18. Glides with a WP_COMPRESSOR_SMOOTH_MS time constant.
 * Real-time safe.
 *
 * @param[in,out] c   the compressor.
 * @param[in]     db  dB, -60..0.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p c is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p db is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_compressor_set_threshold_db(wp_compressor *c, double db);
/**
 * Sets the ratio R of the static curve.
 *
 * 1..100 (:1), default 4; 100 acts as infinity (limiting). Glides with a WP_COMPRESSOR_SMOOTH_MS time constant.
 * Real-time safe.
 *
 * @param[in,out] c      the compressor.
 * @param[in]     ratio  1..100.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p c is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p ratio is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_compressor_set_ratio(wp_compressor *c, double ratio);
/**
 * Sets the knee width W.
 *
 * dB, 0..24 (full width, centred on the threshold), default 6. Glides with a WP_COMPRESSOR_SMOOTH_MS time constant.
 * Real-time safe.
 *
 * @param[in,out] c   the compressor.
 * @param[in]     db  dB, 0..24.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p c is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p db is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_compressor_set_knee_db(wp_compressor *c, double db);
/**
 * Sets the attack time.
 *
 * ms, 0.1..200, default 10: a level step moves the gain 63 % of the way
 * in this time. Acts immediately (a rate, not a level).
 * Real-time safe.
 *
 * @param[in,out] c   the compressor.
 * @param[in]     ms  ms, 0.1..200.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p c is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p ms is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_compressor_set_attack_ms(wp_compressor *c, double ms);
/**
 * Sets the release time.
 *
 * ms, 5..5000, default 100: the gain recovers 63 % of the way in this
 * time. Acts immediately (a rate, not a level).
 * Real-time safe.
 *
 * @param[in,out] c   the compressor.
 * @param[in]     ms  ms, 5..5000.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p c is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p ms is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_compressor_set_release_ms(wp_compressor *c, double ms);
/**
 * Sets the makeup gain.
 *
 * dB, 0..24, default 0; added to the automatic makeup when that is on.
 * Glides with a WP_COMPRESSOR_SMOOTH_MS time constant.
 * Real-time safe.
 *
 * @param[in,out] c   the compressor.
 * @param[in]     db  dB, 0..24.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p c is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p db is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_compressor_set_makeup_db(wp_compressor *c, double db);
/**
 * Turns automatic makeup on or off.
 *
 * Off by default; when on, adds -gc(0 dBFS), the static curve's gain
 * reduction at a 0 dB level, to the makeup, so a 0 dBFS level comes out at
 * 0 dBFS. Glides with a WP_COMPRESSOR_SMOOTH_MS time constant.
 * Real-time safe.
 *
 * @param[in,out] c   the compressor.
 * @param[in]     on  nonzero = on, 0 = off.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p c is NULL.
 */
WP_NODISCARD wp_status wp_compressor_set_auto_makeup(wp_compressor *c, int on);
/**
 * Selects the level detector.
 *
 * WP_COMPRESSOR_PEAK (default) or WP_COMPRESSOR_RMS. The change glides
 * (both detectors are blended meanwhile).
 * Real-time safe.
 *
 * @param[in,out] c     the compressor.
 * @param[in]     mode  a wp_compressor_detection value.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p c is NULL or @p mode is not a
 *                                  wp_compressor_detection value.
 */
WP_NODISCARD wp_status wp_compressor_set_detection(wp_compressor *c, wp_compressor_detection mode);
/**
 * Sets the dry/wet mix (parallel compression).
 *
 * 0..1 (wet fraction), default 1. Glides with a WP_COMPRESSOR_SMOOTH_MS time constant.
 * Real-time safe.
 *
 * @param[in,out] c    the compressor.
 * @param[in]     wet  wet fraction, 0..1.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p c is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p wet is outside its range or NaN;
 *                                  the old value is kept.
 */
WP_NODISCARD wp_status wp_compressor_set_mix(wp_compressor *c, double wet);
/**
 * Enables the compressor or bypasses it.
 *
 * Default on; off is a true bypass (input untouched) once the crossfade
 * has settled. Glides with a WP_COMPRESSOR_SMOOTH_MS time constant.
 * Real-time safe.
 *
 * @param[in,out] c        the compressor.
 * @param[in]     enabled  nonzero = on, 0 = off.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p c is NULL.
 */
WP_NODISCARD wp_status wp_compressor_set_enabled(wp_compressor *c, int enabled);

/**
 * The current gain reduction in dB (>= 0; the smoothed static-curve gain,
 * without makeup), for metering.
 *
 * The detector's value after the last processed frame, before mix and
 * enable: it is computed while disabled too. Real-time safe; same thread
 * as the other calls.
 *
 * @param[in] c  the compressor (not NULL).
 * @return gain reduction in dB, >= 0 (0 after create or reset).
 */
double wp_compressor_gain_reduction_db(const wp_compressor *c);

#ifdef __cplusplus
}
#endif

#endif
