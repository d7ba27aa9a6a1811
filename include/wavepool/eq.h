/* wavepool: biquad design (RBJ Audio EQ Cookbook) and an N-band parametric
 * equalizer.
 *
 * Biquad design
 * -------------
 * wp_biquad_design gives the cookbook's coefficients, normalised so a0 = 1:
 *   H(z) = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2)
 * with w0 = 2 pi freq / rate, alpha = sin(w0) / (2 Q), A = 10^(gain_db/40).
 * Shelves take Q in the same alpha (the cookbook's "Q" form); Q = 1/sqrt(2)
 * is the cookbook's shelf slope S = 1 (steepest slope without overshoot).
 * Band pass is the constant 0 dB peak gain form. gain_db only matters for
 * peaking and shelves; the others ignore it (it is still range checked).
 * wp_biquad_magnitude_db evaluates |H(e^jw)| in dB analytically. Both are
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
 * prewarp), so wp_eq_magnitude_db is what the audio gets.
 *
 * Band parameters and ranges (setters never clamp; outside the range they
 * return WP_ERR_OUT_OF_RANGE, NaN included, and keep the old band):
 *   type      wp_filter_type (bad value: WP_ERR_INVALID_ARGUMENT)
 *   freq_hz   WP_EQ_MIN_FREQ_HZ (10 Hz) .. WP_EQ_MAX_FREQ_RATIO * rate
 *             (0.49 x rate: the prewarped design stays well defined right
 *             up to there, and 0.49 keeps the band off Nyquist itself)
 *   gain_db   -24 .. +24 dB (peaking and shelves; kept for the others)
 *   q         0.1 .. 18 (peaking: bandwidth; shelves: see above; pass,
 *             notch and all-pass filters: resonance / width)
 *   enabled   0 = off (the band passes audio unchanged), nonzero = on
 *
 * Default bands (wp_eq_default_band), all at 0 dB and enabled:
 *   0 low shelf 60 Hz Q 0.7071 (S = 1)
 *   1..6 peaking 170, 310, 600, 1000, 3000, 6000 Hz, Q 1
 *   7 high shelf 12000 Hz Q 0.7071 (S = 1)
 *   8..15 peaking 1000 Hz, Q 1
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
 * bell, A = 10^(dB/40)): about half a second for the default layout at any
 * gain, minutes for a Q 18 bell boosted 24 dB at 10 Hz, which rings that
 * long.
 *
 * Threads: an equalizer is used by one thread at a time. process, reset,
 * the setters and getters and wp_eq_magnitude_db are real-time safe (no
 * allocation, lock or I/O); create and destroy are not.
 */
#ifndef WAVEPOOL_EQ_H
#define WAVEPOOL_EQ_H

#include <stddef.h>

#include "wavepool/dsp.h"
#include "wavepool/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum wp_filter_type {
    WP_FILTER_PEAKING = 0,
    WP_FILTER_LOW_SHELF,
    WP_FILTER_HIGH_SHELF,
    WP_FILTER_LOW_PASS,
    WP_FILTER_HIGH_PASS,
    WP_FILTER_BAND_PASS, /* constant 0 dB peak gain */
    WP_FILTER_NOTCH,
    WP_FILTER_ALL_PASS,
    WP_FILTER_TYPE_COUNT
} wp_filter_type;

/* Normalised biquad coefficients (a0 = 1). */
typedef struct wp_biquad_coeffs {
    double b0, b1, b2, a1, a2;
} wp_biquad_coeffs;

/* Largest |gain_db| wp_biquad_design accepts. */
#define WP_BIQUAD_MAX_GAIN_DB 120.0
/* wp_biquad_magnitude_db never returns less than this (a notch's zero). */
#define WP_BIQUAD_FLOOR_DB -300.0

/* RBJ cookbook design. Ranges: sample_rate WP_DSP_MIN_RATE..WP_DSP_MAX_RATE;
 * 0 < freq_hz < sample_rate / 2; q > 0 and finite; |gain_db| <=
 * WP_BIQUAD_MAX_GAIN_DB. Returns WP_ERR_INVALID_ARGUMENT for a NULL `out` or
 * an unknown type, WP_ERR_OUT_OF_RANGE for a value outside its range (NaN
 * included); `out` is written only on success. */
WP_NODISCARD wp_status wp_biquad_design(wp_filter_type type, double sample_rate, double freq_hz,
                                        double gain_db, double q, wp_biquad_coeffs *out);

/* |H(e^jw)| in dB at freq_hz (w = 2 pi freq_hz / sample_rate), evaluated in
 * a form that stays accurate far below the passband, floored at
 * WP_BIQUAD_FLOOR_DB. NaN for a NULL `c`. */
double wp_biquad_magnitude_db(const wp_biquad_coeffs *c, double sample_rate, double freq_hz);

#define WP_EQ_MAX_BANDS 16
#define WP_EQ_DEFAULT_BANDS 8
#define WP_EQ_MIN_FREQ_HZ 10.0
#define WP_EQ_MAX_FREQ_RATIO 0.49
#define WP_EQ_MIN_GAIN_DB -24.0
#define WP_EQ_MAX_GAIN_DB 24.0
#define WP_EQ_MIN_Q 0.1
#define WP_EQ_MAX_Q 18.0
/* Glide time of every parameter, type, enable and bypass change. */
#define WP_EQ_SMOOTH_MS 20.0

typedef struct wp_eq_band {
    wp_filter_type type;
    double freq_hz; /* Hz */
    double gain_db; /* dB */
    double q;       /* dimensionless */
    int enabled;    /* 0 or 1 (any nonzero value reads back as 1) */
} wp_eq_band;

typedef struct wp_eq wp_eq;

/* Creates an equalizer with `bands` (1..WP_EQ_MAX_BANDS) default bands.
 * WP_ERR_INVALID_ARGUMENT for a NULL `out`, WP_ERR_OUT_OF_RANGE for a rate,
 * channel or band count outside its range, WP_ERR_OUT_OF_MEMORY. Allocates:
 * not real-time safe. */
WP_NODISCARD wp_status wp_eq_create(double sample_rate, int channels, int bands, wp_eq **out);
void wp_eq_destroy(wp_eq *eq);

/* The default band `index` (0..WP_EQ_MAX_BANDS-1) listed above, before any
 * low-rate adjustment. WP_ERR_INVALID_ARGUMENT for a bad index or NULL. */
WP_NODISCARD wp_status wp_eq_default_band(int index, wp_eq_band *out);

int wp_eq_band_count(const wp_eq *eq);

/* Sets band `index` (0..band count-1; else WP_ERR_INVALID_ARGUMENT). All
 * fields are checked before anything changes. */
WP_NODISCARD wp_status wp_eq_set_band(wp_eq *eq, int index, const wp_eq_band *band);
/* The band's target settings (what was last set, not the gliding value). */
WP_NODISCARD wp_status wp_eq_get_band(const wp_eq *eq, int index, wp_eq_band *out);

/* 1 = bypass (crossfade to the dry signal), 0 = process. */
WP_NODISCARD wp_status wp_eq_set_bypass(wp_eq *eq, int bypass);

/* Filters `frames` frames of every channel in place. channels[c] for c <
 * the channel count must be valid; frames may be 0. */
void wp_eq_process(wp_eq *eq, float *const *channels, size_t frames);

/* Clears the filter state and completes every glide (settings kept). */
void wp_eq_reset(wp_eq *eq);

/* Combined magnitude response in dB of all enabled bands for the target
 * settings (what the glides head to) at `count` frequencies in Hz: the sum
 * of the bands' wp_biquad_magnitude_db. Frequencies must be finite and >= 0
 * (above rate/2 the digital response repeats); else WP_ERR_OUT_OF_RANGE and
 * nothing is written. WP_ERR_INVALID_ARGUMENT for NULL pointers. */
WP_NODISCARD wp_status wp_eq_magnitude_db(const wp_eq *eq, const double *freqs_hz, size_t count,
                                          double *out_db);

#ifdef __cplusplus
}
#endif

#endif
