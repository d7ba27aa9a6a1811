/* Internal: linear-phase polyphase oversampling by 1, 2, 4 or 8 around a
 * per-sample nonlinearity (distortion).
 *
 * Built from 2x stages, each a symmetric Kaiser-windowed-sinc FIR used
 * twice, as a 2-phase interpolator on the way up and a 2-phase decimator on
 * the way down:
 *  - the first stage (base rate <-> 2x) is sharp: passband to 0.4167 fs
 *    (20 kHz at 48 kHz), stopband from 0.5 fs, so nothing above the base
 *    Nyquist frequency folds back into the band on the way down, and input
 *    images start above it on the way up;
 *  - further stages are half-band filters (every other tap zero, one phase
 *    a pure delay) that only keep 0..0.5 fs and reject its images around
 *    the higher rates, so they are short.
 * Every stage has an 80 dB stopband; each phase is normalised to unity DC
 * gain, so DC and slow ramps pass exactly.
 *
 * Latency: the round trip (up, then down) delays by `latency` base frames
 * exactly: the filters' delays are padded with a few top-rate samples to a
 * whole number of base frames, so a dry signal delayed by that many frames
 * lines up with the processed one.
 *
 * Processing is by blocks of at most WP_OS_BLOCK base frames per channel:
 * wp_oversampler_up() turns n samples into n * factor, the caller processes
 * them in place, wp_oversampler_down() turns them back into n. Each output
 * sample is the same fixed-order sum whatever the block sizes, so results
 * are bit-identical for any split. Real-time safe; memory is allocated once
 * in init.
 */
#ifndef WP_OVERSAMPLE_H
#define WP_OVERSAMPLE_H

#include "wavepool/status.h"

#define WP_OS_MAX_FACTOR 8
#define WP_OS_MAX_STAGES 3
#define WP_OS_BLOCK 64

/* One 2x stage's coefficients (shared by all channels), reversed (oldest
 * input first) for contiguous dot products. Interpolator phase p: 2 h[2i+p];
 * decimator phase p: h[2i+p]. A half-band stage stores phase 0 only: its
 * phase 1 is the centre tap alone (h = 1/2), a delay of `centre` samples. */
typedef struct wp_os_stage {
    int halfband, centre;
    int taps[2];    /* taps per phase */
    float *up[2];
    float *down[2];
} wp_os_stage;

/* One channel's memory for one stage: linear buffers whose first `hist`
 * entries carry the previous block's tail, followed by the new block. */
typedef struct wp_os_state {
    float *in;   /* interpolator input, low rate */
    float *even; /* decimator input v[2t] */
    float *odd;  /* decimator input v[2t+1], one step behind */
} wp_os_state;

typedef struct wp_oversampler {
    int factor, stages;
    int latency; /* base frames, round trip */
    int pad;     /* top-rate samples of delay that make the latency whole */
    wp_os_stage stage[WP_OS_MAX_STAGES];
    int hist_in[WP_OS_MAX_STAGES], hist_even[WP_OS_MAX_STAGES], hist_odd[WP_OS_MAX_STAGES];
    wp_os_state state[2][WP_OS_MAX_STAGES]; /* [channel][stage] */
    float pad_line[2][WP_OS_MAX_FACTOR];
    int pad_pos[2];
    float *scratch; /* one stage's output while the next reads it */
    float *memory;
} wp_oversampler;

/* Factor for a base rate: the smallest of 1, 2, 4, 8 that brings the top
 * rate to at least 352.8 kHz (8x at 44.1 and 48 kHz, 4x at 88.2 and 96 kHz,
 * 2x at 176.4 and 192 kHz, 1x at 352.8 and 384 kHz; 8x below 44.1 kHz). */
int wp_oversampler_factor_for_rate(double rate);

/* channels 1 or 2, factor 1, 2, 4 or 8. WP_ERR_OUT_OF_MEMORY if the
 * allocation fails (nothing to free then). */
WP_NODISCARD wp_status wp_oversampler_init(wp_oversampler *os, int factor, int channels);
void wp_oversampler_free(wp_oversampler *os);
/* Clears one channel's history. */
void wp_oversampler_reset_channel(wp_oversampler *os, int channel);

/* x[0..n-1] -> out[0..n*factor-1], n <= WP_OS_BLOCK. out may not alias x. */
void wp_oversampler_up(wp_oversampler *os, int channel, const float *x, int n, float *out);
/* in[0..n*factor-1] -> out[0..n-1], n <= WP_OS_BLOCK. `in` is used as
 * scratch (overwritten). */
void wp_oversampler_down(wp_oversampler *os, int channel, float *in, int n, float *out);

#endif
