/**
 * @file
 * wavepool: biquad design (RBJ Audio EQ Cookbook) and an N-band parametric
 * equalizer.
 *
 * Biquad design
 * -------------
 * wp_biquad_design() gives the cookbook's coefficients, normalised so a0 = 1:
 * @verbatim
     H(z) = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2)
   @endverbatim
 * with `w0 = 2 pi freq / rate`, `alpha = sin(w0) / (2 Q)`, `A = 10^(gain_db/40)`.
 * Shelves take Q in the same alpha (the cookbook's "Q" form); Q = 1/sqrt(2)
 * is the cookbook's shelf slope S = 1 (steepest slope without overshoot).
 * Band pass is the constant 0 dB peak gain form. gain_db only matters for
 * peaking and shelves; the others ignore it (it is still range checked).
 * wp_biquad_magnitude_db() evaluates |H(e^jw)| in dB analytically. Both are
 * pure and real-time safe.
 *
 * Equalizer
 * ---------
 * 1..WP_EQ_MAX_BANDS bands in series, any of the eight filter types each,
 * on 1..WP_DSP_MAX_CHANNELS planar float channels, processed in place, at
 * WP_DSP_MIN_RATE..WP_DSP_MAX_RATE Hz. Every channel gets the same filters.
 * Latency: none (IIR filters, no lookahead; each band has the phase
 * response of its biquad). Each band realises exactly the RBJ response of
 * its settings (a trapezoidal state-variable filter with the same bilinear
 * prewarp), so wp_eq_magnitude_db() is what the audio gets.
 *
 * Band parameters and ranges (setters never clamp; outside the range they
 * return WP_ERR_OUT_OF_RANGE, NaN included, and keep the old band):
 * @verbatim
     type      wp_filter_type (bad value: WP_ERR_INVALID_ARGUMENT)
     freq_hz   WP_EQ_MIN_FREQ_HZ (10 Hz) .. WP_EQ_MAX_FREQ_RATIO * rate
               (0.49 x rate: the prewarped design stays well defined right
               up to there, and 0.49 keeps the band off Nyquist itself)
     gain_db   -24 .. +24 dB (peaking and shelves; kept for the others)
     q         0.1 .. 18 (peaking: bandwidth; shelves: see above; pass,
               notch and all-pass filters: resonance / width)
     enabled   0 = off (the band passes audio unchanged), nonzero = on
   @endverbatim
 *
 * Default bands (wp_eq_default_band()), all at 0 dB and enabled:
 * @verbatim
   0 low shelf 60 Hz Q 0.7071 (S = 1)
   1..6 peaking 170, 310, 600, 1000, 3000, 6000 Hz, Q 1
   7 high shelf 12000 Hz Q 0.7071 (S = 1)
   8..15 peaking 1000 Hz, Q 1
   @endverbatim
 * An equalizer of fewer bands takes the first ones. At low rates a default
 * frequency above 0.49 x rate is placed at 0.49 x rate (only the defaults;
 * set_band rejects such values).
 *
 * Smoothing: every change glides, so nothing clicks or zips. Frequency
 * moves in the log domain, gain in dB and Q in the log domain, each
 * following its newest target through a critically damped second-order
 * glide (two one-pole stages, time constant WP_EQ_SMOOTH_MS / 5): 96 % of a
 * step is done after WP_EQ_SMOOTH_MS, and the glide lands exactly on the
 * target within ~5 x WP_EQ_SMOOTH_MS. Its speed never jumps, also when new
 * targets keep arriving (a UI drag). A change of type or of `enabled`
 * crossfades the band between the old and new filter along an S curve in
 * WP_EQ_SMOOTH_MS. Bypass crossfades the output between processed and dry
 * along the same curve in WP_EQ_SMOOTH_MS; once fully bypassed the output
 * is the input bit for bit. The filters keep running while bypassed, so
 * leaving bypass fades into exactly the signal an unbypassed equalizer
 * gives. Changes made before the first frame after create or reset apply at
 * once. Output is bit-identical for any split of the input into blocks:
 * band changes take effect on a fixed grid of 32 frames counted from
 * create or reset (a setter may wait up to 32 frames to start acting);
 * bypass acts from the next frame.
 *
 * Denormals: filter state is flushed to zero below 1e-30 on that grid, so
 * no denormal is ever computed. After the input falls silent the state is
 * exactly zero once the slowest band has decayed by ~70 e-foldings, i.e.
 * after ~70 / sigma seconds, sigma being its damping (pi f / (Q A) for a
 * bell, `A = 10^(dB/40)`): about half a second for the default layout at any
 * gain, minutes for a Q 18 bell boosted 24 dB at 10 Hz, which rings that
 * long.
 *
 * Threads: an equalizer is used by one thread at a time. process, reset,
 * the setters and getters and wp_eq_magnitude_db() are real-time safe (no
 * allocation, lock or I/O); create and destroy are not.
 *
 * Handles: every function but wp_eq_destroy() wants a valid equalizer;
 * the setters and getters return WP_ERR_INVALID_ARGUMENT for NULL,
 * wp_eq_process() and wp_eq_reset() do nothing for NULL and wp_eq_destroy()
 * accepts it.
 */
#ifndef WAVEPOOL_EQ_H
#define WAVEPOOL_EQ_H

#include <stddef.h>

#include "wavepool/dsp.h"
#include "wavepool/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The eight RBJ cookbook filter types (biquad design and equalizer bands). */
typedef enum wp_filter_type {
    WP_FILTER_PEAKING = 0, /**< peaking (bell) EQ: gain_db at freq, bandwidth from Q */
    WP_FILTER_LOW_SHELF,   /**< low shelf: gain_db below freq */
    WP_FILTER_HIGH_SHELF,  /**< high shelf: gain_db above freq */
    WP_FILTER_LOW_PASS,    /**< 2nd-order low pass, resonance Q */
    WP_FILTER_HIGH_PASS,   /**< 2nd-order high pass, resonance Q */
    WP_FILTER_BAND_PASS, /**< constant 0 dB peak gain */
    WP_FILTER_NOTCH,       /**< notch (band reject) at freq, width from Q */
    WP_FILTER_ALL_PASS,    /**< 2nd-order all pass: phase only, centred on freq */
    WP_FILTER_TYPE_COUNT   /**< number of filter types (not a type) */
} wp_filter_type;

/** Normalised biquad coefficients (a0 = 1), as in H(z) above. */
typedef struct wp_biquad_coeffs {
    double b0, /**< numerator, z^0 */ b1, /**< numerator, z^-1 */ b2, /**< numerator, z^-2 */ a1, /**< denominator, z^-1 */ a2; /**< denominator, z^-2 */
} wp_biquad_coeffs;

/** Largest |gain_db| wp_biquad_design() accepts. */
#define WP_BIQUAD_MAX_GAIN_DB 120.0
/** wp_biquad_magnitude_db() never returns less than this (a notch's zero). */
#define WP_BIQUAD_FLOOR_DB -300.0

/**
 * RBJ cookbook design.
 *
 * Ranges: sample_rate WP_DSP_MIN_RATE..WP_DSP_MAX_RATE;
 * 0 < freq_hz < sample_rate / 2; q > 0 and finite; |gain_db| <=
 * WP_BIQUAD_MAX_GAIN_DB. Returns WP_ERR_INVALID_ARGUMENT for a NULL `out` or
 * an unknown type, WP_ERR_OUT_OF_RANGE for a value outside its range (NaN
 * included); `out` is written only on success. Pure; any thread, real-time
 * safe.
 *
 * @param[in]  type         filter type, WP_FILTER_PEAKING..WP_FILTER_ALL_PASS.
 * @param[in]  sample_rate  Hz, WP_DSP_MIN_RATE..WP_DSP_MAX_RATE.
 * @param[in]  freq_hz      centre, corner or shelf midpoint, Hz, above 0 and
 *                          below sample_rate / 2.
 * @param[in]  gain_db      dB, -WP_BIQUAD_MAX_GAIN_DB..WP_BIQUAD_MAX_GAIN_DB;
 *                          used by peaking and shelves, range checked for all.
 * @param[in]  q            quality factor, > 0 and finite (shelves: the
 *                          cookbook's Q form, 1/sqrt(2) = slope S 1).
 * @param[out] out          receives the coefficients; written only on success.
 * @retval WP_OK                    coefficients written.
 * @retval WP_ERR_INVALID_ARGUMENT  @p out is NULL or @p type is unknown.
 * @retval WP_ERR_OUT_OF_RANGE      a numeric argument is outside its range
 *                                  (NaN included).
 */
WP_NODISCARD wp_status wp_biquad_design(wp_filter_type type, double sample_rate, double freq_hz,
                                        double gain_db, double q, wp_biquad_coeffs *out);

/**
 * |H(e^jw)| in dB at freq_hz (`w = 2 pi freq_hz / sample_rate`).
 *
 * Evaluated in a form that stays accurate far below the passband, floored
 * at WP_BIQUAD_FLOOR_DB. NaN for a NULL `c`. The arguments are not range
 * checked; above sample_rate / 2 the response repeats. Pure; any thread,
 * real-time safe.
 *
 * @param[in] c            coefficients, e.g. from wp_biquad_design().
 * @param[in] sample_rate  Hz, the rate @p c was designed for.
 * @param[in] freq_hz      frequency to evaluate, Hz, >= 0.
 * @return magnitude in dB, >= WP_BIQUAD_FLOOR_DB; NaN when @p c is NULL.
 */
double wp_biquad_magnitude_db(const wp_biquad_coeffs *c, double sample_rate, double freq_hz);

/** Most bands an equalizer can have. */
#define WP_EQ_MAX_BANDS 16
/** Band count of the standard layout (the default bands 0..7 listed above). */
#define WP_EQ_DEFAULT_BANDS 8
/** Lowest band frequency, Hz. */
#define WP_EQ_MIN_FREQ_HZ 10.0
/** Highest band frequency as a fraction of the sample rate (0.49 x rate). */
#define WP_EQ_MAX_FREQ_RATIO 0.49
/** Lowest band gain, dB. */
#define WP_EQ_MIN_GAIN_DB -24.0
/** Highest band gain, dB. */
#define WP_EQ_MAX_GAIN_DB 24.0
/** Lowest band Q. */
#define WP_EQ_MIN_Q 0.1
/** Highest band Q. */
#define WP_EQ_MAX_Q 18.0
/** Glide time of every parameter, type, enable and bypass change, ms. */
#define WP_EQ_SMOOTH_MS 20.0

/** Settings of one equalizer band (ranges in the file description). */
typedef struct wp_eq_band {
    wp_filter_type type; /**< filter type */
    double freq_hz; /**< Hz, WP_EQ_MIN_FREQ_HZ..WP_EQ_MAX_FREQ_RATIO x rate */
    double gain_db; /**< dB, WP_EQ_MIN_GAIN_DB..WP_EQ_MAX_GAIN_DB */
    double q;       /**< dimensionless, WP_EQ_MIN_Q..WP_EQ_MAX_Q */
    int enabled;    /**< 0 or 1 (any nonzero value reads back as 1) */
} wp_eq_band;

/**
 * An N-band parametric equalizer (opaque); made by wp_eq_create(), freed by
 * wp_eq_destroy().
 */
typedef struct wp_eq wp_eq;

/**
 * Creates an equalizer with `bands` (1..WP_EQ_MAX_BANDS) default bands.
 *
 * WP_ERR_INVALID_ARGUMENT for a NULL `out`, WP_ERR_OUT_OF_RANGE for a rate,
 * channel or band count outside its range, WP_ERR_OUT_OF_MEMORY. Allocates:
 * not real-time safe. Bypass is off.
 *
 * @param[in]  sample_rate  Hz, WP_DSP_MIN_RATE..WP_DSP_MAX_RATE.
 * @param[in]  channels     1..WP_DSP_MAX_CHANNELS.
 * @param[in]  bands        1..WP_EQ_MAX_BANDS; band i starts as default band i
 *                          (its frequency capped at 0.49 x rate).
 * @param[out] out          receives the equalizer, owned by the caller, who
 *                          frees it with wp_eq_destroy(); set to NULL on
 *                          failure when not NULL itself.
 * @retval WP_OK                    created.
 * @retval WP_ERR_INVALID_ARGUMENT  @p out is NULL.
 * @retval WP_ERR_OUT_OF_RANGE      @p sample_rate, @p channels or @p bands is
 *                                  outside its range.
 * @retval WP_ERR_OUT_OF_MEMORY     the allocation failed.
 */
WP_NODISCARD wp_status wp_eq_create(double sample_rate, int channels, int bands, wp_eq **out);
/**
 * Frees an equalizer. Not real-time safe.
 *
 * @param[in] eq  equalizer from wp_eq_create(), or NULL (then nothing happens).
 */
void wp_eq_destroy(wp_eq *eq);

/**
 * The default band `index` (0..WP_EQ_MAX_BANDS-1) listed above, before any
 * low-rate adjustment.
 *
 * WP_ERR_INVALID_ARGUMENT for a bad index or NULL. Pure; any thread,
 * real-time safe.
 *
 * @param[in]  index  0..WP_EQ_MAX_BANDS-1.
 * @param[out] out    receives the band; written only on success.
 * @retval WP_OK                    band written.
 * @retval WP_ERR_INVALID_ARGUMENT  @p out is NULL or @p index is out of range.
 */
WP_NODISCARD wp_status wp_eq_default_band(int index, wp_eq_band *out);

/**
 * Number of bands, as given to wp_eq_create().
 *
 * Real-time safe.
 *
 * @param[in] eq  an equalizer, or NULL (gives 0).
 * @return 1..WP_EQ_MAX_BANDS, or 0 for NULL.
 */
int wp_eq_band_count(const wp_eq *eq);

/**
 * Sets band `index` (0..band count-1; else WP_ERR_INVALID_ARGUMENT).
 *
 * All fields are checked before anything changes. The band glides to the new
 * settings (see Smoothing); a change starts on the next 32-frame grid point.
 * Real-time safe.
 *
 * @param[in,out] eq     an equalizer.
 * @param[in]     index  0..wp_eq_band_count()-1.
 * @param[in]     band   new settings (ranges in the file description);
 *                       copied, not kept.
 * @retval WP_OK                    band set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p eq or @p band is NULL, @p index is out
 *                                  of range, or `band->type` is not a filter
 *                                  type.
 * @retval WP_ERR_OUT_OF_RANGE      freq_hz, gain_db or q outside its range
 *                                  (NaN included); the old band is kept.
 */
WP_NODISCARD wp_status wp_eq_set_band(wp_eq *eq, int index, const wp_eq_band *band);
/**
 * The band's target settings (what was last set, not the gliding value).
 *
 * Real-time safe.
 *
 * @param[in]  eq     an equalizer.
 * @param[in]  index  0..wp_eq_band_count()-1.
 * @param[out] out    receives the settings (`enabled` as 0 or 1); written
 *                    only on success.
 * @retval WP_OK                    settings written.
 * @retval WP_ERR_INVALID_ARGUMENT  @p eq or @p out is NULL or @p index is out
 *                                  of range.
 */
WP_NODISCARD wp_status wp_eq_get_band(const wp_eq *eq, int index, wp_eq_band *out);

/**
 * 1 = bypass (crossfade to the dry signal), 0 = process.
 *
 * The crossfade takes WP_EQ_SMOOTH_MS and starts on the next frame; once
 * fully bypassed the output is the input bit for bit. Real-time safe.
 *
 * @param[in,out] eq      an equalizer.
 * @param[in]     bypass  nonzero = bypass, 0 = process.
 * @retval WP_OK                    set.
 * @retval WP_ERR_INVALID_ARGUMENT  @p eq is NULL.
 */
WP_NODISCARD wp_status wp_eq_set_bypass(wp_eq *eq, int bypass);

/**
 * Filters `frames` frames of every channel in place.
 *
 * channels[c] for c < the channel count must be valid; frames may be 0.
 * Real-time safe; no latency.
 *
 * @param[in,out] eq        an equalizer, or NULL (then nothing happens).
 * @param[in,out] channels  one pointer per channel to @p frames float samples,
 *                          filtered in place; NULL does nothing.
 * @param[in]     frames    frames per channel, 0 allowed.
 */
void wp_eq_process(wp_eq *eq, float *const *channels, size_t frames);

/**
 * Clears the filter state and completes every glide (settings kept).
 *
 * Also completes a bypass crossfade and restarts the 32-frame grid.
 * Real-time safe.
 *
 * @param[in,out] eq  an equalizer, or NULL (then nothing happens).
 */
void wp_eq_reset(wp_eq *eq);

/**
 * Combined magnitude response in dB of all enabled bands for the target
 * settings (what the glides head to) at `count` frequencies in Hz.
 *
 * The sum of the bands' wp_biquad_magnitude_db(). Frequencies must be finite
 * and >= 0 (above rate/2 the digital response repeats); else
 * WP_ERR_OUT_OF_RANGE and nothing is written. WP_ERR_INVALID_ARGUMENT for
 * NULL pointers. Bypass is not taken into account. Real-time safe (no
 * allocation; count x bands evaluations).
 *
 * @param[in]  eq        an equalizer.
 * @param[in]  freqs_hz  @p count frequencies, Hz, finite and >= 0.
 * @param[in]  count     number of frequencies, 0 allowed.
 * @param[out] out_db    @p count magnitudes in dB (0 dB where no band is
 *                       enabled).
 * @retval WP_OK                    response written.
 * @retval WP_ERR_INVALID_ARGUMENT  @p eq, @p freqs_hz or @p out_db is NULL
 *                                  (also when @p count is 0).
 * @retval WP_ERR_OUT_OF_RANGE      a frequency is negative, infinite or NaN;
 *                                  nothing written.
 */
WP_NODISCARD wp_status wp_eq_magnitude_db(const wp_eq *eq, const double *freqs_hz, size_t count,
                                          double *out_db);

#ifdef __cplusplus
}
#endif

#endif
