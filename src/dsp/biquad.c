/* RBJ Audio EQ Cookbook biquads and their analytic magnitude response. */
#include <math.h>

#include "dsp/dsp_util.h"
#include "wavepool/eq.h"

wp_status wp_biquad_design(wp_filter_type type, double sample_rate, double freq_hz, double gain_db,
                           double q, wp_biquad_coeffs *out)
{
    if (!out || (unsigned)type >= WP_FILTER_TYPE_COUNT)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(sample_rate, WP_DSP_MIN_RATE, WP_DSP_MAX_RATE) != WP_OK ||
        !(freq_hz > 0.0 && freq_hz < 0.5 * sample_rate) || !(q > 0.0 && isfinite(q)) ||
        wp_check_range(gain_db, -WP_BIQUAD_MAX_GAIN_DB, WP_BIQUAD_MAX_GAIN_DB) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;

    const double w0 = WP_TWO_PI * freq_hz / sample_rate;
    const double cw = cos(w0);
    /* 1 - cos(w0) without the cancellation that costs digits at low w0. */
    const double s_half = sin(0.5 * w0);
    const double one_minus_cw = 2.0 * s_half * s_half;
    const double alpha = sin(w0) / (2.0 * q);
    const double a = pow(10.0, gain_db / 40.0);
    const double two_sqrt_a_alpha = 2.0 * sqrt(a) * alpha;
    double b0, b1, b2, a0, a1, a2;

    switch (type) {
    case WP_FILTER_PEAKING:
        b0 = 1.0 + alpha * a;
        b1 = -2.0 * cw;
        b2 = 1.0 - alpha * a;
        a0 = 1.0 + alpha / a;
        a1 = -2.0 * cw;
        a2 = 1.0 - alpha / a;
        break;
    case WP_FILTER_LOW_SHELF:
        b0 = a * ((a + 1.0) - (a - 1.0) * cw + two_sqrt_a_alpha);
        b1 = 2.0 * a * ((a - 1.0) - (a + 1.0) * cw);
        b2 = a * ((a + 1.0) - (a - 1.0) * cw - two_sqrt_a_alpha);
        a0 = (a + 1.0) + (a - 1.0) * cw + two_sqrt_a_alpha;
        a1 = -2.0 * ((a - 1.0) + (a + 1.0) * cw);
        a2 = (a + 1.0) + (a - 1.0) * cw - two_sqrt_a_alpha;
        break;
    case WP_FILTER_HIGH_SHELF:
        b0 = a * ((a + 1.0) + (a - 1.0) * cw + two_sqrt_a_alpha);
        b1 = -2.0 * a * ((a - 1.0) + (a + 1.0) * cw);
        b2 = a * ((a + 1.0) + (a - 1.0) * cw - two_sqrt_a_alpha);
        a0 = (a + 1.0) - (a - 1.0) * cw + two_sqrt_a_alpha;
        a1 = 2.0 * ((a - 1.0) - (a + 1.0) * cw);
        a2 = (a + 1.0) - (a - 1.0) * cw - two_sqrt_a_alpha;
        break;
    case WP_FILTER_LOW_PASS:
        b0 = 0.5 * one_minus_cw;
        b1 = one_minus_cw;
        b2 = 0.5 * one_minus_cw;
        a0 = 1.0 + alpha;
        a1 = -2.0 * cw;
        a2 = 1.0 - alpha;
        break;
    case WP_FILTER_HIGH_PASS:
        b0 = 0.5 * (1.0 + cw);
        b1 = -(1.0 + cw);
        b2 = 0.5 * (1.0 + cw);
        a0 = 1.0 + alpha;
        a1 = -2.0 * cw;
        a2 = 1.0 - alpha;
        break;
    case WP_FILTER_BAND_PASS:
        b0 = alpha;
        b1 = 0.0;
        b2 = -alpha;
        a0 = 1.0 + alpha;
        a1 = -2.0 * cw;
        a2 = 1.0 - alpha;
        break;
    case WP_FILTER_NOTCH:
        b0 = 1.0;
        b1 = -2.0 * cw;
        b2 = 1.0;
        a0 = 1.0 + alpha;
        a1 = -2.0 * cw;
        a2 = 1.0 - alpha;
        break;
    default: /* WP_FILTER_ALL_PASS */
        b0 = 1.0 - alpha;
        b1 = -2.0 * cw;
        b2 = 1.0 + alpha;
        a0 = 1.0 + alpha;
        a1 = -2.0 * cw;
        a2 = 1.0 - alpha;
        break;
    }
    out->b0 = b0 / a0;
    out->b1 = b1 / a0;
    out->b2 = b2 / a0;
    out->a1 = a1 / a0;
    out->a2 = a2 / a0;
    return WP_OK;
}

/* |P(e^jw)|^2 for P(z) = p0 + p1/z + p2/z^2, as |e^jw P|^2 = re^2 + im^2 with
 * re = p1 + (p0 + p2) cos w and im = (p0 - p2) sin w. cos w is written as
 * 1 - 2 sin^2(w/2) below w = pi/2 and 2 cos^2(w/2) - 1 above, so re is the
 * small difference of accurately formed terms at both ends of the band: a
 * zero near DC or Nyquist (notch, pass filters) keeps ~16 digits, where
 * cookbook-style cos sums or the expanded phi polynomial keep only
 * 1e-16 / sin^2(w/2) (-70 dB floors for narrow low notches). */
static double poly_power(double p0, double p1, double p2, double s2, double c2)
{
    const double re = s2 < 0.5 ? (p0 + p1 + p2) - 2.0 * (p0 + p2) * s2 : (p1 - p0 - p2) + 2.0 * (p0 + p2) * c2;
    const double d = p0 - p2;
    return re * re + 4.0 * d * d * s2 * c2;
}

double wp_biquad_magnitude_db(const wp_biquad_coeffs *c, double sample_rate, double freq_hz)
{
    if (!c)
        return NAN;
    const double half_w = WP_PI * freq_hz / sample_rate;
    const double s = sin(half_w), co = cos(half_w);
    const double num = poly_power(c->b0, c->b1, c->b2, s * s, co * co);
    const double den = poly_power(1.0, c->a1, c->a2, s * s, co * co);
    if (!(num > 0.0))
        return WP_BIQUAD_FLOOR_DB;
    return wp_gain_to_db(sqrt(num / den), WP_BIQUAD_FLOOR_DB);
}
