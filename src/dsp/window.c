#include <math.h>
#include <string.h>

#include "wavepool/fft.h"

/* Every window here is a cosine sum w[t] = sum_k (-1)^k a_k cos(2 pi k t / n),
 * so its mean over one period (the coherent gain) is exactly a_0. */
typedef struct window_def {
    const char *name;
    double a[5];
} window_def;

static const window_def windows[WP_WINDOW_COUNT] = {
    [WP_WINDOW_RECTANGULAR] = {"rectangular", {1.0}},
    [WP_WINDOW_HANN] = {"hann", {0.5, 0.5}},
    [WP_WINDOW_HAMMING] = {"hamming", {0.54, 0.46}},
    [WP_WINDOW_BLACKMAN] = {"blackman", {0.42, 0.5, 0.08}},
    [WP_WINDOW_BLACKMAN_HARRIS] = {"blackman-harris", {0.35875, 0.48829, 0.14128, 0.01168}},
    [WP_WINDOW_FLAT_TOP] = {"flat-top", {0.21557895, 0.41663158, 0.277263158, 0.083578947, 0.006947368}},
};

wp_status wp_window_fill(wp_window type, float *w, size_t n)
{
    if (!w || n == 0 || (unsigned)type >= WP_WINDOW_COUNT)
        return WP_ERR_INVALID_ARGUMENT;
    const double *a = windows[type].a;
    const double two_pi = 6.283185307179586476925286766559;
    for (size_t t = 0; t < n; t++) {
        double phase = two_pi * (double)t / (double)n;
        double sum = a[0];
        double sign = -1.0;
        for (int k = 1; k < 5; k++, sign = -sign)
            sum += sign * a[k] * cos((double)k * phase);
        w[t] = (float)sum;
    }
    return WP_OK;
}

double wp_window_coherent_gain(wp_window type)
{
    return (unsigned)type < WP_WINDOW_COUNT ? windows[type].a[0] : 0.0;
}

const char *wp_window_name(wp_window type)
{
    return (unsigned)type < WP_WINDOW_COUNT ? windows[type].name : "unknown";
}

wp_status wp_window_from_name(const char *name, wp_window *out_type)
{
    if (!name || !out_type)
        return WP_ERR_INVALID_ARGUMENT;
    for (int i = 0; i < WP_WINDOW_COUNT; i++) {
        if (strcmp(name, windows[i].name) == 0) {
            *out_type = (wp_window)i;
            return WP_OK;
        }
    }
    return WP_ERR_INVALID_ARGUMENT;
}
