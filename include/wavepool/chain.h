/** @file
 * @brief wavepool: the real-time chain.
 *
 * ~~~
 *   EQ (8 bands) -> effects in a configurable order (compressor, distortion,
 *   chorus, delay, reverb) -> stereo (width, pan) -> volume -> safety limiter
 * ~~~
 *
 * One object per stream (the browser's producer thread, an offline render).
 * Stereo or mono: 1 or 2 channels, 8 kHz..384 kHz.
 *
 * Parameters: every setting is a numbered parameter (wp_chain_param) with a
 * stable name ("reverb.mix", "eq.b3.gain"), a unit, a range and a default,
 * listed by wp_chain_param_get_info() so UIs and command lines need no copy
 * of them. wp_chain_set() may be called from any thread while another thread
 * runs process: it validates the value (WP_ERR_OUT_OF_RANGE outside the
 * range, nothing is clamped), stores it in an atomic slot and marks it; the
 * processing thread applies marked values at the start of its next block,
 * and each module smooths the change (no clicks). No locks, no allocation.
 *
 * Processing: wp_chain_process_planar() (in place) or
 * wp_chain_process_interleaved() (in place), any number of frames; the output
 * is the same sample for sample whatever the host's block size, as long as
 * parameters are not changed. Real-time safe: no allocation, lock, I/O or
 * logging.
 *
 * Latency: wp_chain_latency() frames, constant: the limiter's look-ahead and
 * the distortion's oversampling filters (its dry path is delayed alike, so
 * switching it does not shift time).
 *
 * Meters: after each process call, peak and RMS per channel of that block
 * (of the output, after the limiter) and a clip flag (any |sample| > 1
 * before the limiter, after the volume), published with atomics for other
 * threads (wp_chain_meters_read()).
 *
 * Threads, in short:
 *
 *  - any thread, lock-free and real-time safe: wp_chain_set(),
 *    wp_chain_get(), wp_chain_set_order(), wp_chain_get_order(),
 *    wp_chain_meters_read(), wp_chain_apply_errors(),
 *    wp_chain_param_get_info(), wp_chain_param_from_name();
 *  - the processing thread only (real-time safe): wp_chain_process_planar(),
 *    wp_chain_process_interleaved(), wp_chain_reset(), wp_chain_latency(),
 *    wp_chain_eq_response_db();
 *  - not real-time safe, with no other call running on the object:
 *    wp_chain_create(), wp_chain_destroy().
 *
 * Only wp_chain_set(), wp_chain_get(), wp_chain_set_order(),
 * wp_chain_eq_response_db() and wp_chain_destroy() accept a NULL chain.
 */
#ifndef WAVEPOOL_CHAIN_H
#define WAVEPOOL_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#include "wavepool/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Bands of the chain's equalizer. */
#define WP_CHAIN_EQ_BANDS 8
/** Effects whose order is configurable (wp_chain_fx). */
#define WP_CHAIN_FX_COUNT 5

/** The effects whose order is configurable (wp_chain_set_order()). */
typedef enum wp_chain_fx {
    WP_CHAIN_FX_COMPRESSOR = 0, /**< compressor (compressor.h) */
    WP_CHAIN_FX_DISTORTION,     /**< distortion (distortion.h) */
    WP_CHAIN_FX_CHORUS,         /**< chorus (chorus.h) */
    WP_CHAIN_FX_DELAY,          /**< delay (delay.h) */
    WP_CHAIN_FX_REVERB          /**< reverb (reverb.h) */
} wp_chain_fx;

/** Fields of an EQ band parameter group.
 *
 * EQ band parameters come in groups of WP_CHAIN_EQ_FIELDS starting at
 * WP_CHAIN_EQ_BAND_FIRST: band b (0-based), field f at
 * `WP_CHAIN_EQ_BAND_FIRST + b * WP_CHAIN_EQ_FIELDS + f`. Names are
 * `eq.b<n>.<field>` with n = b + 1 (e.g. "eq.b3.gain"); ranges as in eq.h.
 */
enum { WP_CHAIN_EQ_TYPE = 0, WP_CHAIN_EQ_FREQ, WP_CHAIN_EQ_GAIN, WP_CHAIN_EQ_Q, WP_CHAIN_EQ_ENABLED,
       WP_CHAIN_EQ_FIELDS };
/** @var WP_CHAIN_EQ_TYPE
 * "type": wp_filter_type, integer 0..7
 * ("peaking|lowshelf|highshelf|lowpass|highpass|bandpass|notch|allpass"). */
/** @var WP_CHAIN_EQ_FREQ
 * "freq": Hz, WP_EQ_MIN_FREQ_HZ (10) .. WP_EQ_MAX_FREQ_RATIO (0.49) x the
 * chain's rate. */
/** @var WP_CHAIN_EQ_GAIN
 * "gain": dB, -24..24 [0] (peaking and shelves; kept for the others). */
/** @var WP_CHAIN_EQ_Q
 * "q": 0.1..18. */
/** @var WP_CHAIN_EQ_ENABLED
 * "on": switch [1]. */
/** @var WP_CHAIN_EQ_FIELDS
 * Fields per band (not a field). */

/** Every parameter of the chain: "name", unit, range [default]. */
typedef enum wp_chain_param {
    WP_CHAIN_EQ_ON = 0,         /**< "eq.on": switch [1] */
    WP_CHAIN_EQ_BAND_FIRST,     /**< first EQ band field: band 0's type; see WP_CHAIN_EQ_TYPE; defaults from wp_eq_default_band() */
    WP_CHAIN_EQ_BAND_LAST = WP_CHAIN_EQ_BAND_FIRST + WP_CHAIN_EQ_BANDS * WP_CHAIN_EQ_FIELDS - 1, /**< last EQ band field: band 7's "on" */
    WP_CHAIN_COMP_ON,           /**< "comp.on": switch [0] */
    WP_CHAIN_COMP_THRESHOLD,    /**< "comp.threshold": dB, -60..0 [-18] */
    WP_CHAIN_COMP_RATIO,        /**< "comp.ratio": ":1", 1..100 [4] */
    WP_CHAIN_COMP_KNEE,         /**< "comp.knee": dB, 0..24 [6] */
    WP_CHAIN_COMP_ATTACK,       /**< "comp.attack": ms, 0.1..200 [10] */
    WP_CHAIN_COMP_RELEASE,      /**< "comp.release": ms, 5..5000 [100] */
    WP_CHAIN_COMP_MAKEUP,       /**< "comp.makeup": dB, 0..24 [0] */
    WP_CHAIN_COMP_RMS,          /**< "comp.detection": integer 0..1, "peak|rms" [0] */
    WP_CHAIN_COMP_MIX,          /**< "comp.mix": 0..1 [1] */
    WP_CHAIN_DIST_ON,           /**< "dist.on": switch [0] */
    WP_CHAIN_DIST_DRIVE,        /**< "dist.drive": dB, 0..48 [12] */
    WP_CHAIN_DIST_TONE,         /**< "dist.tone": -1..1 [0] */
    WP_CHAIN_DIST_CURVE,        /**< "dist.curve": integer 0..2, "soft|hard|asymmetric" [0] */
    WP_CHAIN_DIST_OUTPUT,       /**< "dist.output": dB, -60..12 [0] */
    WP_CHAIN_DIST_MIX,          /**< "dist.mix": 0..1 [1] */
    WP_CHAIN_CHORUS_ON,         /**< "chorus.on": switch [0] */
    WP_CHAIN_CHORUS_RATE,       /**< "chorus.rate": Hz, 0.05..10 [0.8] */
    WP_CHAIN_CHORUS_DEPTH,      /**< "chorus.depth": ms, 0..20 [3] */
    WP_CHAIN_CHORUS_DELAY,      /**< "chorus.delay": ms, 1..40 [10] */
    WP_CHAIN_CHORUS_VOICES,     /**< "chorus.voices": integer 1..WP_CHORUS_MAX_VOICES [2] */
    WP_CHAIN_CHORUS_SPREAD,     /**< "chorus.spread": 0..1 [1] */
    WP_CHAIN_CHORUS_MIX,        /**< "chorus.mix": 0..1 [0.5] */
    WP_CHAIN_DELAY_ON,          /**< "delay.on": switch [0] */
    WP_CHAIN_DELAY_TIME,        /**< "delay.time": ms, 1..WP_DELAY_MAX_MS [375] */
    WP_CHAIN_DELAY_FEEDBACK,    /**< "delay.feedback": 0..0.95 [0.4] */
    WP_CHAIN_DELAY_HIGH_CUT,    /**< "delay.highcut": Hz, 200..20000 [6000] */
    WP_CHAIN_DELAY_PING_PONG,   /**< "delay.pingpong": 0..1, continuous [0] */
    WP_CHAIN_DELAY_MIX,         /**< "delay.mix": 0..1 [0.35] */
    WP_CHAIN_REVERB_ON,         /**< "reverb.on": switch [0] */
    WP_CHAIN_REVERB_DECAY,      /**< "reverb.decay": s, 0.1..20 [2] */
    WP_CHAIN_REVERB_DAMPING,    /**< "reverb.damping": 0..0.95 [0.5] */
    WP_CHAIN_REVERB_PREDELAY,   /**< "reverb.predelay": ms, 0..250 [10] */
    WP_CHAIN_REVERB_WIDTH,      /**< "reverb.width": 0..1 [1] */
    WP_CHAIN_REVERB_MIX,        /**< "reverb.mix": 0..1 [0.25] */
    WP_CHAIN_WIDTH,             /**< "stereo.width": %, 0..200 [100] */
    WP_CHAIN_PAN,               /**< "stereo.pan": -1..1 [0] */
    WP_CHAIN_VOLUME,            /**< "volume": dB, -80..12 [0]; smoothed over 10 ms */
    WP_CHAIN_LIMITER_ON,        /**< "limiter.on": switch [1] */
    WP_CHAIN_LIMITER_CEILING,   /**< "limiter.ceiling": dBTP, -24..0 [-1] */
    WP_CHAIN_LIMITER_RELEASE,   /**< "limiter.release": ms, 1..1000 [100] */
    WP_CHAIN_PARAM_COUNT        /**< number of parameters (not a parameter) */
} wp_chain_param;

/** How a parameter's values are spaced. */
typedef enum wp_chain_param_kind {
    WP_CHAIN_CONTINUOUS = 0, /**< any value in [min, max] */
    WP_CHAIN_INTEGER,        /**< whole numbers in [min, max] (counts, enums) */
    WP_CHAIN_SWITCH          /**< 0 or 1 */
} wp_chain_param_kind;

/** Description of one parameter (wp_chain_param_get_info()). */
typedef struct wp_chain_param_info {
    const char *name;   /**< stable, e.g. "delay.time" */
    const char *unit;   /**< "dB", "ms", "Hz", "%", "" */
    /** @var min
     * Smallest accepted value. */
    /** @var max
     * Largest accepted value. Two bounds also depend on the chain's rate:
     * EQ frequencies (here 0.49 x WP_DSP_MAX_RATE; a chain accepts up to
     * WP_EQ_MAX_FREQ_RATIO x its own rate) and delay.highcut (a chain
     * accepts up to WP_DELAY_MAX_HIGH_CUT_RATIO x its rate, at most this). */
    /** @var def
     * Default (a default above a chain's rate-dependent limit starts at the
     * limit). */
    double min, max, def;
    wp_chain_param_kind kind;  /**< value spacing */
    const char *choices; /**< for enums: "peak|rms", else NULL */
} wp_chain_param_info;

/** Opaque real-time chain; made by wp_chain_create(), freed by
 * wp_chain_destroy(). */
typedef struct wp_chain wp_chain;

/** Describes a parameter: name, unit, range, default, kind.
 *
 * Any thread (the first query of an EQ band parameter fills a static table;
 * racing first callers write the same bytes). Lock-free.
 *
 * @param[in] param the parameter.
 * @return a pointer to static storage (never freed; do not modify), or NULL
 *         for an unknown parameter.
 */
const wp_chain_param_info *wp_chain_param_get_info(wp_chain_param param);
/** Looks a parameter up by its stable name (exact, case-sensitive).
 *
 * Any thread; linear search over WP_CHAIN_PARAM_COUNT names.
 *
 * @param[in]  name NUL-terminated name, e.g. "reverb.mix", "eq.b3.gain".
 * @param[out] out  receives the parameter; untouched on failure.
 * @retval WP_OK                   found.
 * @retval WP_ERR_INVALID_ARGUMENT NULL pointer or unknown name.
 */
WP_NODISCARD wp_status wp_chain_param_from_name(const char *name, wp_chain_param *out);

/** Creates a chain with every parameter at its default and the default
 * effect order (compressor, distortion, chorus, delay, reverb), in a reset
 * state.
 *
 * Not real-time safe (allocates every module).
 *
 * @param[in]  sample_rate Hz, 8000..384000 (WP_DSP_MIN_RATE..WP_DSP_MAX_RATE).
 * @param[in]  channels    1 or 2.
 * @param[out] out         receives the chain, NULL on failure; the caller
 *                         frees it with wp_chain_destroy().
 * @retval WP_OK                   created.
 * @retval WP_ERR_INVALID_ARGUMENT @p out is NULL.
 * @retval WP_ERR_OUT_OF_RANGE     @p sample_rate or @p channels outside its range.
 * @retval WP_ERR_OUT_OF_MEMORY    allocation failed.
 */
WP_NODISCARD wp_status wp_chain_create(double sample_rate, int channels, wp_chain **out);
/** Frees a chain and its modules.
 *
 * Not real-time safe; no other call may run on the chain. NULL is a no-op.
 *
 * @param[in] chain the chain (owned; invalid afterwards), or NULL.
 */
void wp_chain_destroy(wp_chain *chain);

/** Sets a parameter; any thread, lock-free (see the file overview).
 *
 * Validates and stores the value; the processing thread applies it at the
 * start of its next block, smoothly. Real-time safe.
 *
 * @param[in,out] chain the chain.
 * @param[in]     param the parameter.
 * @param[in]     value in the parameter's unit and range
 *                      (wp_chain_param_get_info()); EQ frequencies up to
 *                      0.49 x the chain's rate, delay.highcut up to 0.45 x
 *                      the chain's rate; whole numbers for integer
 *                      and switch parameters.
 * @retval WP_OK                   stored (applied at the next block).
 * @retval WP_ERR_INVALID_ARGUMENT @p chain is NULL or @p param unknown.
 * @retval WP_ERR_OUT_OF_RANGE     @p value outside the range, NaN, or not a
 *                                 whole number for an integer or switch
 *                                 parameter; nothing changes.
 */
WP_NODISCARD wp_status wp_chain_set(wp_chain *chain, wp_chain_param param, double value);
/** The value last set for a parameter (or its default), applied yet or not.
 *
 * Any thread, lock-free.
 *
 * @param[in] chain the chain, or NULL.
 * @param[in] param the parameter.
 * @return the value; NaN for a NULL chain or an unknown parameter.
 */
double wp_chain_get(const wp_chain *chain, wp_chain_param param);
/** Sets the order of the five effects; any thread, lock-free.
 *
 * Applied at the start of the processing thread's next block. Real-time
 * safe.
 *
 * @param[in,out] chain the chain.
 * @param[in]     order a permutation of the WP_CHAIN_FX_COUNT effects, first
 *                      to run first (read during the call).
 * @retval WP_OK                   stored.
 * @retval WP_ERR_INVALID_ARGUMENT NULL pointer, or @p order is not a
 *                                 permutation; nothing changes.
 */
WP_NODISCARD wp_status wp_chain_set_order(wp_chain *chain, const wp_chain_fx order[WP_CHAIN_FX_COUNT]);
/** The effect order last set (applied yet or not); any thread, lock-free.
 *
 * @param[in]  chain the chain (not NULL).
 * @param[out] order receives WP_CHAIN_FX_COUNT effects, first to run first.
 */
void wp_chain_get_order(const wp_chain *chain, wp_chain_fx order[WP_CHAIN_FX_COUNT]);

/** Processes planar audio in place; the processing thread only.
 *
 * Applies pending parameters first, then runs the whole chain and publishes
 * the meters. Real-time safe.
 *
 * @param[in,out] chain    the chain (not NULL).
 * @param[in,out] channels one buffer per chain channel, @p frames floats each
 *                         (borrowed for the call; 1.0 = 0 dBFS).
 * @param[in]     frames   frames per channel; any number, 0 included (then
 *                         only parameters are applied).
 */
void wp_chain_process_planar(wp_chain *chain, float *const *channels, size_t frames);
/** Processes interleaved audio in place; the processing thread only.
 *
 * As wp_chain_process_planar(), through an internal planar scratch of 256
 * frames; the meters cover the whole call. Real-time safe.
 *
 * @param[in,out] chain       the chain (not NULL).
 * @param[in,out] interleaved @p frames x channels floats, frame by frame
 *                            (borrowed for the call).
 * @param[in]     frames      frames; any number.
 */
void wp_chain_process_interleaved(wp_chain *chain, float *interleaved, size_t frames);
/** Clears every module's history (seek, new track); keeps the settings.
 *
 * The volume settles on its target (no glide). Parameters set but not yet
 * applied stay pending until the next process call. The processing thread
 * only; real-time safe.
 *
 * @param[in,out] chain the chain (not NULL).
 */
void wp_chain_reset(wp_chain *chain);
/** The chain's latency: the limiter's look-ahead plus the distortion's
 * oversampling filters.
 *
 * Constant for a chain. Real-time safe.
 *
 * @param[in] chain the chain (not NULL).
 * @return latency in frames.
 */
size_t wp_chain_latency(const wp_chain *chain);

/** The combined EQ magnitude response at @p count frequencies, for the EQ
 * settings last applied (by a process call; not merely set).
 *
 * The processing thread only, or while it is stopped. Real-time safe;
 * O(count x bands).
 *
 * @param[in]  chain    the chain.
 * @param[in]  freqs_hz @p count frequencies, Hz, each finite and >= 0
 *                      (borrowed for the call).
 * @param[in]  count    number of frequencies; 0 does nothing.
 * @param[out] out_db   @p count values, dB (sum of the enabled bands).
 * @retval WP_OK                   computed.
 * @retval WP_ERR_INVALID_ARGUMENT a NULL pointer.
 * @retval WP_ERR_OUT_OF_RANGE     a frequency negative or not finite
 *                                 (@p out_db untouched).
 */
WP_NODISCARD wp_status wp_chain_eq_response_db(const wp_chain *chain, const double *freqs_hz, size_t count,
                                               double *out_db);

/** Meters of the chain's output, as published by the last process call. */
typedef struct wp_chain_meters {
    float peak[2];  /**< linear, of the last block (after the limiter); [1] is 0 for mono */
    float rms[2];   /**< linear, of the last block (after the limiter); [1] is 0 for mono */
    int clipped;    /**< a sample above 1.0 before the limiter, since the last read */
    uint64_t frames; /**< frames processed since create (reset does not clear it) */
} wp_chain_meters;

/** Reads the meters; any thread, lock-free. Reading clears the clip flag.
 *
 * Peak and RMS of one block may be read from different blocks when the
 * processing thread publishes meanwhile (each value is atomic).
 *
 * @param[in,out] chain the chain (not NULL; the clip flag is cleared).
 * @param[out]    out   receives the meters (not NULL).
 */
void wp_chain_meters_read(wp_chain *chain, wp_chain_meters *out);

/** Values a module refused when the chain applied them.
 *
 * Stays 0 unless the chain's parameter table and a module disagree on a
 * range (a bug). Any thread, lock-free.
 *
 * @param[in] chain the chain (not NULL).
 * @return the number of refused values since create.
 */
unsigned wp_chain_apply_errors(const wp_chain *chain);

#ifdef __cplusplus
}
#endif

#endif
