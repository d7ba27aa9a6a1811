/* wavepool: the real-time chain.
 *
 *   EQ (8 bands) -> effects in a configurable order (compressor, distortion,
 *   chorus, delay, reverb) -> stereo (width, pan) -> volume -> safety limiter
 *
 * One object per stream (the browser's producer thread, an offline render).
 * Stereo or mono: 1 or 2 channels, 8 kHz..384 kHz.
 *
 * Parameters: every setting is a numbered parameter (wp_chain_param) with a
 * stable name ("reverb.mix", "eq.b3.gain"), a unit, a range and a default,
 * listed by wp_chain_param_info so UIs and command lines need no copy of
 * them. wp_chain_set may be called from any thread while another thread
 * runs process: it validates the value (WP_ERR_OUT_OF_RANGE outside the
 * range, nothing is clamped), stores it in an atomic slot and marks it; the
 * processing thread applies marked values at the start of its next block,
 * and each module smooths the change (no clicks). No locks, no allocation.
 *
 * Processing: process_planar (in place) or process_interleaved (in place),
 * any number of frames; the output is the same sample for sample whatever
 * the host's block size, as long as parameters are not changed. Real-time
 * safe: no allocation, lock, I/O or logging.
 *
 * Latency: wp_chain_latency frames, constant: the limiter's look-ahead and
 * the distortion's oversampling filters (its dry path is delayed alike, so
 * switching it does not shift time).
 *
 * Meters: after each process call, peak and RMS per channel of that block
 * and a clip flag (any |sample| > 1 before the limiter), published with
 * atomics for other threads (wp_chain_meters).
 */
#ifndef WAVEPOOL_CHAIN_H
#define WAVEPOOL_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#include "wavepool/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WP_CHAIN_EQ_BANDS 8
#define WP_CHAIN_FX_COUNT 5

/* The effects whose order is configurable. */
typedef enum wp_chain_fx {
    WP_CHAIN_FX_COMPRESSOR = 0,
    WP_CHAIN_FX_DISTORTION,
    WP_CHAIN_FX_CHORUS,
    WP_CHAIN_FX_DELAY,
    WP_CHAIN_FX_REVERB
} wp_chain_fx;

/* EQ band parameters come in groups of WP_CHAIN_EQ_FIELDS starting at
 * WP_CHAIN_EQ_BAND_FIRST: band b (0-based), field f at
 * WP_CHAIN_EQ_BAND_FIRST + b * WP_CHAIN_EQ_FIELDS + f. */
enum { WP_CHAIN_EQ_TYPE = 0, WP_CHAIN_EQ_FREQ, WP_CHAIN_EQ_GAIN, WP_CHAIN_EQ_Q, WP_CHAIN_EQ_ENABLED,
       WP_CHAIN_EQ_FIELDS };

typedef enum wp_chain_param {
    WP_CHAIN_EQ_ON = 0,
    WP_CHAIN_EQ_BAND_FIRST,
    WP_CHAIN_EQ_BAND_LAST = WP_CHAIN_EQ_BAND_FIRST + WP_CHAIN_EQ_BANDS * WP_CHAIN_EQ_FIELDS - 1,
    WP_CHAIN_COMP_ON,
    WP_CHAIN_COMP_THRESHOLD,
    WP_CHAIN_COMP_RATIO,
    WP_CHAIN_COMP_KNEE,
    WP_CHAIN_COMP_ATTACK,
    WP_CHAIN_COMP_RELEASE,
    WP_CHAIN_COMP_MAKEUP,
    WP_CHAIN_COMP_RMS,
    WP_CHAIN_COMP_MIX,
    WP_CHAIN_DIST_ON,
    WP_CHAIN_DIST_DRIVE,
    WP_CHAIN_DIST_TONE,
    WP_CHAIN_DIST_CURVE,
    WP_CHAIN_DIST_OUTPUT,
    WP_CHAIN_DIST_MIX,
    WP_CHAIN_CHORUS_ON,
    WP_CHAIN_CHORUS_RATE,
    WP_CHAIN_CHORUS_DEPTH,
    WP_CHAIN_CHORUS_DELAY,
    WP_CHAIN_CHORUS_VOICES,
    WP_CHAIN_CHORUS_SPREAD,
    WP_CHAIN_CHORUS_MIX,
    WP_CHAIN_DELAY_ON,
    WP_CHAIN_DELAY_TIME,
    WP_CHAIN_DELAY_FEEDBACK,
    WP_CHAIN_DELAY_HIGH_CUT,
    WP_CHAIN_DELAY_PING_PONG,
    WP_CHAIN_DELAY_MIX,
    WP_CHAIN_REVERB_ON,
    WP_CHAIN_REVERB_DECAY,
    WP_CHAIN_REVERB_DAMPING,
    WP_CHAIN_REVERB_PREDELAY,
    WP_CHAIN_REVERB_WIDTH,
    WP_CHAIN_REVERB_MIX,
    WP_CHAIN_WIDTH,
    WP_CHAIN_PAN,
    WP_CHAIN_VOLUME,
    WP_CHAIN_LIMITER_ON,
    WP_CHAIN_LIMITER_CEILING,
    WP_CHAIN_LIMITER_RELEASE,
    WP_CHAIN_PARAM_COUNT
} wp_chain_param;

typedef enum wp_chain_param_kind {
    WP_CHAIN_CONTINUOUS = 0, /* any value in [min, max] */
    WP_CHAIN_INTEGER,        /* whole numbers in [min, max] (counts, enums) */
    WP_CHAIN_SWITCH          /* 0 or 1 */
} wp_chain_param_kind;

typedef struct wp_chain_param_info {
    const char *name;   /* stable, e.g. "delay.time" */
    const char *unit;   /* "dB", "ms", "Hz", "%", "" */
    double min, max, def;
    wp_chain_param_kind kind;
    const char *choices; /* for enums: "peak|rms", else NULL */
} wp_chain_param_info;

typedef struct wp_chain wp_chain;

/* NULL for an unknown parameter. */
const wp_chain_param_info *wp_chain_param_get_info(wp_chain_param param);
WP_NODISCARD wp_status wp_chain_param_from_name(const char *name, wp_chain_param *out);

/* channels 1..2, sample_rate 8000..384000 (WP_ERR_OUT_OF_RANGE). Every
 * parameter starts at its default. Not real-time safe. */
WP_NODISCARD wp_status wp_chain_create(double sample_rate, int channels, wp_chain **out);
void wp_chain_destroy(wp_chain *chain);

/* Any thread, lock-free (see top). */
WP_NODISCARD wp_status wp_chain_set(wp_chain *chain, wp_chain_param param, double value);
double wp_chain_get(const wp_chain *chain, wp_chain_param param);
/* order: a permutation of the WP_CHAIN_FX_COUNT effects; any thread. */
WP_NODISCARD wp_status wp_chain_set_order(wp_chain *chain, const wp_chain_fx order[WP_CHAIN_FX_COUNT]);
void wp_chain_get_order(const wp_chain *chain, wp_chain_fx order[WP_CHAIN_FX_COUNT]);

/* Processing thread only. */
void wp_chain_process_planar(wp_chain *chain, float *const *channels, size_t frames);
void wp_chain_process_interleaved(wp_chain *chain, float *interleaved, size_t frames);
/* Clears every module's history (seek, new track); keeps the settings. */
void wp_chain_reset(wp_chain *chain);
size_t wp_chain_latency(const wp_chain *chain);

/* The combined EQ magnitude response (dB) at `count` frequencies for the
 * EQ settings last applied; the processing thread only, or while it is
 * stopped. */
WP_NODISCARD wp_status wp_chain_eq_response_db(const wp_chain *chain, const double *freqs_hz, size_t count,
                                               double *out_db);

typedef struct wp_chain_meters {
    float peak[2];  /* linear, of the last block */
    float rms[2];   /* linear, of the last block */
    int clipped;    /* a sample above 1.0 before the limiter, since the last read */
    uint64_t frames; /* frames processed since create */
} wp_chain_meters;

/* Any thread. Reading clears the clip flag. */
void wp_chain_meters_read(wp_chain *chain, wp_chain_meters *out);

/* Values a module refused when the chain applied them; stays 0 unless the
 * chain's parameter table and a module disagree on a range (a bug). */
unsigned wp_chain_apply_errors(const wp_chain *chain);

#ifdef __cplusplus
}
#endif

#endif
