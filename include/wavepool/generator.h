/** @file
 * @brief wavepool: test-signal generator.
 *
 * One generator renders one signal, mono: wp_gen_render() writes `frames`
 * float samples to `out`; a caller that wants several channels copies them
 * (every channel of a test signal is identical, so the generator does the
 * work once).
 *
 * Types (name for wp_gen_type_name() / wp_gen_type_from_name() in quotes):
 *
 * ~~~
 *   WP_GEN_SINE "sine"        sin(phase)
 *   WP_GEN_SQUARE "square"    +1 for phase in [0, 2 pi duty), -1 for the rest
 *                             of the period (a pulse when duty != 0.5; its
 *                             DC of 2 duty - 1 is part of the waveform)
 *   WP_GEN_SAW "saw"          rises linearly through 0 at phase 0, from -1 to
 *                             +1 over one period, falls back at phase pi
 *                             (also accepted: "sawtooth")
 *   WP_GEN_TRIANGLE "triangle" 0 at phase 0, +1 at pi/2, -1 at 3 pi/2
 *   WP_GEN_WHITE "white"      uniform white noise
 *   WP_GEN_PINK "pink"        pink noise (power density ~ 1/f)
 *   WP_GEN_SWEEP "sweep"      linear sine sweep (also "linsweep")
 *   WP_GEN_LOGSWEEP "logsweep" exponential (logarithmic) sine sweep
 *   WP_GEN_IMPULSE "impulse"  unit impulse(s)
 *   WP_GEN_MULTITONE "multitone" sum of up to 32 sines of equal amplitude
 * ~~~
 *
 * Periodic types and sweeps start at phase_rad. At phase 0 the sine, saw
 * and triangle are at 0 going up and the square is in the middle of its
 * rising edge; a 50% square, the saw and the triangle then have their
 * fundamental in phase with the sine.
 *
 * Level (level_dbfs, 0 dBFS = 1.0):
 *
 *   - sine, square, saw, triangle, sweeps, impulse: PEAK amplitude of the
 *     ideal waveform. Square, saw and triangle follow their Fourier series
 *     exactly (square `4/pi/k` for odd k at 50% duty, saw `2/pi/k`, triangle
 *     `8/pi^2/k^2` for odd k, times the level), so the band-limited square and
 *     saw overshoot the level: Gibbs, up to +1.5 dB for the saw and +1.5 to
 *     +1.7 dB for the square below 1 kHz at 48 kHz; where only a few
 *     harmonics fit, up to +2.1 dB (4/pi) for a 50% square and +3.2 dB for
 *     other duties. The triangle stays within the level. Leave that headroom
 *     when the output must not clip.
 *   - multitone: the true (continuous-time) PEAK of the sum, so no sample
 *     exceeds the level. Found at create when the tones share a common
 *     fundamental f0 with every tone at most 65536 f0 (e.g. any integer-Hz
 *     set up to 65 kHz; tones within 1e-9 relative of a multiple of f0 are
 *     snapped to it). Other sets have no finite period, their sum comes
 *     arbitrarily close to the sum of the tone amplitudes, so each tone gets
 *     level / tone_count. wp_gen_tone_level_dbfs() reports the per-tone level.
 *   - white, pink: RMS level. White noise is uniform (peak sqrt(3) x RMS,
 *     +4.8 dB); pink is normalised to the RMS over its full band.
 *
 * Range -120..+6 dBFS; levels above 0 dBFS are for headroom tests. The
 * generator never clips.
 *
 * Band limiting. Square, saw and triangle are additive syntheses of their
 * Fourier series up to Nyquist, read from band-limited wavetables built at
 * create time: one table per harmonic count 1..64, then every 1/8 octave of
 * harmonic count up to the count that fills the band at 20 Hz
 * (rate/40 harmonics); 4-point Lagrange interpolation with each harmonic
 * pre-compensated for the interpolator's droop, tables long enough that
 * each interpolation image is below -90 dBc (the worst line measured over
 * 20 Hz..23 kHz and duties 5..95% is -87 dBc). So nothing aliases, and:
 *
 *   - up to 64 harmonics (f >= rate/128): every harmonic below Nyquist is
 *     present at its exact amplitude, except that a harmonic within f/4 of
 *     Nyquist fades in linearly as the frequency moves down (this keeps
 *     frequency glides click-free);
 *   - beyond that the harmonic series stops at most 1/8 octave of harmonic
 *     count short of Nyquist (at 20 Hz..375 Hz at 48 kHz: content to
 *     >= 22 kHz); below 20 Hz the series stops at rate/2 x f/20 Hz.
 *
 * Sine, sweeps and multitone are computed in double precision directly.
 *
 * Noise: xoshiro256** seeded through splitmix64 from `seed`; the noise path
 * (generator, pink filter design and filter) uses only IEEE basic arithmetic
 * and sqrt, so a seed gives the same bits on every platform and build (the
 * tests check native and wasm output against the same hashes). White:
 * 24-bit uniform values symmetric around 0. Pink: a ladder of first-order
 * pole/zero sections 1.5 octaves apart from 2 Hz to beyond Nyquist, whose
 * power response goes as 1/sin(w/2), and a 33-tap FIR that turns that into
 * 1/w; within 0.02 dB (peak to peak) of -3.01 dB/octave from 20 Hz to
 * 0.45 x rate at every rate, flat below ~2 Hz (no DC build-up). The filter
 * is run in at create (0.64 s), so the output is stationary from its first
 * sample.
 *
 * Sweeps: phase from the analytic formula (no accumulated error), with
 * t = n / rate:
 *
 * ~~~
 *   linear: f(t) = f0 + (f1 - f0) t / T,
 *           phase(t) = phase_rad + 2 pi (f0 t + (f1 - f0) t^2 / (2 T))
 *   log:    f(t) = f0 (f1/f0)^(t/T),
 *           phase(t) = phase_rad + 2 pi f0 T (e^(t ln(f1/f0)/T) - 1) / ln(f1/f0)
 * ~~~
 *
 * for frames n < ceil(T rate); then silence (no fade: deconvolution wants
 * the exact analytic sweep). f1 < f0 sweeps down.
 *
 * Impulse: a sample of value `level` at frame 0 and, when
 * impulse_interval_s > 0, every round(impulse_interval_s x rate) frames
 * after it; every other sample is exactly 0.
 *
 * Multitone: tones sorted by frequency get Schroeder phases
 * `phi_k = -pi k (k - 1) / K` (k = 1..K), which keep the crest factor low
 * (32 consecutive harmonics: 5.6 dB; in phase they would reach 18 dB).
 * The multitone ignores phase_rad.
 *
 * Parameters (wp_gen_config; fields a type does not use are ignored and not
 * validated). Defaults from wp_gen_default_config() in brackets.
 *
 * ~~~
 *   freq_hz         sine: 0.01 .. rate/2; square, saw, triangle:
 *                   0.01 .. < rate/2 [1000]; sweeps: start, 0.01 .. rate/2 [20]
 *   freq_end_hz     sweeps: end, 0.01 .. rate/2 [20000]
 *   level_dbfs      -120 .. +6 [-20]
 *   phase_rad       periodic types and sweeps: -2 pi .. 2 pi [0]
 *   duty            square: 0.05 .. 0.95 [0.5]
 *   sweep_duration_s sweeps: > 0 .. 86400 s [10]
 *   impulse_interval_s impulse: 0 (one impulse) or an interval that rounds
 *                   to 1 .. 3600 x rate frames [0]
 *   seed            noise: any value [1]
 *   tones_hz, tone_count  multitone: 1..32 distinct tones (no two within
 *                   1e-9 relative), each 0.01 .. rate/2
 *                   [125, 250, 500, 1000, 2000 Hz]
 * ~~~
 *
 * Sample rate: WP_DSP_MIN_RATE .. WP_DSP_MAX_RATE.
 *
 * Errors: WP_ERR_INVALID_ARGUMENT for NULL pointers, an unknown type,
 * duplicate tones, or a setter that does not apply to the type;
 * WP_ERR_OUT_OF_RANGE for a value outside its range (NaN included; a
 * tone_count outside 1..32 too).
 *
 * Real-time safety and threads: create and destroy allocate (create also
 * builds the wavetables and designs filters: up to tens of ms at 384 kHz);
 * render, reset, the setters and the getters allocate nothing, take no lock
 * and do no I/O. A generator is used by one thread at a time.
 * wp_gen_default_config(), wp_gen_type_name() and wp_gen_type_from_name()
 * touch no generator and may be called from any thread.
 *
 * Streaming: render continues where the previous call stopped; any split of
 * a render into blocks gives bit-identical output. reset returns to the
 * state right after create, with the current frequency and level settled (no
 * glide), so what follows is identical to a fresh generator with those
 * settings. Latency: none.
 */
#ifndef WAVEPOOL_GENERATOR_H
#define WAVEPOOL_GENERATOR_H

#include <stddef.h>
#include <stdint.h>

#include "wavepool/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most tones of a multitone (wp_gen_config::tones_hz). */
#define WP_GEN_MAX_TONES 32
/** Lowest frequency of any type, Hz. */
#define WP_GEN_MIN_FREQ 0.01
/** Lowest level, dBFS. */
#define WP_GEN_MIN_LEVEL_DBFS -120.0
/** Highest level, dBFS (above 0 for headroom tests). */
#define WP_GEN_MAX_LEVEL_DBFS 6.0
/** Smallest square-wave duty cycle. */
#define WP_GEN_MIN_DUTY 0.05
/** Largest square-wave duty cycle. */
#define WP_GEN_MAX_DUTY 0.95
/** Longest sweep, seconds (one day). */
#define WP_GEN_MAX_SWEEP_S 86400.0
/** Longest impulse interval, seconds. */
#define WP_GEN_MAX_INTERVAL_S 3600.0
/* Time constants of the setters' smoothing (63% of a change). */
/** Time constant of wp_gen_set_frequency()'s glide, ms (63% of a change). */
#define WP_GEN_FREQ_GLIDE_MS 15.0
/** Time constant of wp_gen_set_level()'s glide, ms (63% of a change). */
#define WP_GEN_LEVEL_GLIDE_MS 10.0

/** Signal types (see the table in the file overview). */
typedef enum wp_gen_type {
    WP_GEN_SINE = 0,   /**< "sine": sin(phase) */
    WP_GEN_SQUARE,     /**< "square": band-limited pulse with duty cycle */
    WP_GEN_SAW,        /**< "saw" (also "sawtooth"): band-limited sawtooth */
    WP_GEN_TRIANGLE,   /**< "triangle": band-limited triangle */
    WP_GEN_WHITE,      /**< "white": uniform white noise, RMS level */
    WP_GEN_PINK,       /**< "pink": pink noise (1/f), RMS level */
    WP_GEN_SWEEP,      /**< "sweep" (also "linsweep"): linear sine sweep */
    WP_GEN_LOGSWEEP,   /**< "logsweep": exponential sine sweep */
    WP_GEN_IMPULSE,    /**< "impulse": one impulse or an impulse train */
    WP_GEN_MULTITONE,  /**< "multitone": up to 32 sines, Schroeder phases */
    WP_GEN_TYPE_COUNT  /**< number of types (not a type) */
} wp_gen_type;

/** A generator's settings; see the parameter table in the file overview for
 * ranges and defaults. Fields a type does not use are ignored. */
typedef struct wp_gen_config {
    wp_gen_type type;          /**< the signal type */
    double freq_hz;            /**< Hz: periodic frequency, sweep start */
    double freq_end_hz;        /**< Hz: sweep end */
    double level_dbfs;         /**< dBFS: peak, or RMS for noise (see above) */
    double phase_rad;          /**< radians: start phase, -2 pi..2 pi */
    double duty;               /**< fraction of the period at +level (square) */
    double sweep_duration_s;   /**< seconds, > 0..86400 */
    double impulse_interval_s; /**< seconds; 0 = a single impulse */
    uint64_t seed;             /**< noise seed, any value */
    double tones_hz[WP_GEN_MAX_TONES]; /**< multitone frequencies, Hz, the first tone_count used */
    size_t tone_count;         /**< multitone: 1..WP_GEN_MAX_TONES */
} wp_gen_config;

/** Opaque generator; made by wp_gen_create(), freed by wp_gen_destroy(). */
typedef struct wp_gen wp_gen;

/** Fills @p cfg with the defaults listed in the file overview for @p type.
 *
 * Any thread, real-time safe.
 *
 * @param[in]  type the signal type.
 * @param[out] cfg  the configuration to fill (every field is set).
 * @retval WP_OK                   filled.
 * @retval WP_ERR_INVALID_ARGUMENT @p cfg is NULL or @p type is unknown.
 */
WP_NODISCARD wp_status wp_gen_default_config(wp_gen_type type, wp_gen_config *cfg);

/** Validates @p cfg and creates a generator at @p sample_rate.
 *
 * Allocates (square, saw, triangle: their wavetables, 0.3-0.6 MB at 48 kHz,
 * 2-2.5 MB at 384 kHz; about 1 ms to build at 48 kHz; pink noise runs its
 * filter in for 0.64 s of samples): not real-time safe; any thread.
 *
 * @param[in]  cfg         the settings (borrowed for the call).
 * @param[in]  sample_rate Hz, WP_DSP_MIN_RATE..WP_DSP_MAX_RATE.
 * @param[out] out         receives the generator, NULL on failure; the caller
 *                         frees it with wp_gen_destroy().
 * @retval WP_OK                   created.
 * @retval WP_ERR_INVALID_ARGUMENT NULL @p cfg or @p out, an unknown type, or
 *                                 duplicate tones.
 * @retval WP_ERR_OUT_OF_RANGE     @p sample_rate or a used field outside its
 *                                 range (NaN included).
 * @retval WP_ERR_OUT_OF_MEMORY    allocation failed.
 */
WP_NODISCARD wp_status wp_gen_create(const wp_gen_config *cfg, double sample_rate, wp_gen **out);

/** Writes the next @p frames samples to @p out.
 *
 * Continues where the previous call stopped (bit-identical for any block
 * split). Real-time safe.
 *
 * @param[in,out] gen    the generator.
 * @param[out]    out    @p frames floats, mono, linear (1.0 = 0 dBFS); may be
 *                       NULL when @p frames is 0.
 * @param[in]     frames samples to write; 0 is a no-op.
 * @retval WP_OK                   written.
 * @retval WP_ERR_INVALID_ARGUMENT @p gen is NULL, or @p out is NULL with
 *                                 @p frames > 0.
 */
WP_NODISCARD wp_status wp_gen_render(wp_gen *gen, float *out, size_t frames);

/** Back to the first sample (see "Streaming" in the file overview), with the
 * current frequency and level settled.
 *
 * Real-time safe. NULL is a no-op.
 *
 * @param[in,out] gen the generator, or NULL.
 */
void wp_gen_reset(wp_gen *gen);

/** Frees a generator made by wp_gen_create().
 *
 * Not real-time safe. NULL is a no-op.
 *
 * @param[in] gen the generator (owned; invalid afterwards), or NULL.
 */
void wp_gen_destroy(wp_gen *gen);

/** Changes the frequency of a sine, square, saw or triangle.
 *
 * Glides to the new frequency exponentially in log-frequency with a
 * WP_GEN_FREQ_GLIDE_MS time constant, phase-continuous. Real-time safe.
 *
 * @param[in,out] gen the generator.
 * @param[in]     hz  Hz, range as freq_hz: sine 0.01..rate/2, square, saw,
 *                    triangle 0.01..below rate/2.
 * @retval WP_OK                   gliding to @p hz.
 * @retval WP_ERR_INVALID_ARGUMENT @p gen is NULL or not a sine, square, saw or
 *                                 triangle.
 * @retval WP_ERR_OUT_OF_RANGE     @p hz outside its range (NaN included); the
 *                                 old frequency stays.
 */
WP_NODISCARD wp_status wp_gen_set_frequency(wp_gen *gen, double hz);

/** Changes the level of any type.
 *
 * Glides linearly in amplitude with a WP_GEN_LEVEL_GLIDE_MS time constant.
 * Real-time safe.
 *
 * @param[in,out] gen  the generator.
 * @param[in]     dbfs dBFS, WP_GEN_MIN_LEVEL_DBFS..WP_GEN_MAX_LEVEL_DBFS
 *                     (-120..+6); peak or RMS as level_dbfs.
 * @retval WP_OK                   gliding to @p dbfs.
 * @retval WP_ERR_INVALID_ARGUMENT @p gen is NULL.
 * @retval WP_ERR_OUT_OF_RANGE     @p dbfs outside its range (NaN included);
 *                                 the old level stays.
 */
WP_NODISCARD wp_status wp_gen_set_level(wp_gen *gen, double dbfs);

/** Frames after which the output is silent for good.
 *
 * Real-time safe.
 *
 * @param[in] gen the generator, or NULL.
 * @return `ceil(T x rate)` for sweeps, 1 for a single impulse, 0 (never) for
 *         everything else and for NULL.
 */
uint64_t wp_gen_finite_frames(const wp_gen *gen);

/** Multitone: the peak level of each tone at the current level target.
 *
 * Real-time safe.
 *
 * @param[in] gen the generator, or NULL.
 * @return dBFS per tone; NaN for other types and for NULL.
 */
double wp_gen_tone_level_dbfs(const wp_gen *gen);

/** Canonical lower-case name of a type ("sine", ..., "multitone").
 *
 * Pure; any thread.
 *
 * @param[in] type the type.
 * @return a static string; "unknown" for an invalid type.
 */
const char *wp_gen_type_name(wp_gen_type type);
/** Looks a type up by name: the canonical names and the aliases "sawtooth"
 * and "linsweep" (exact, case-sensitive match).
 *
 * Pure; any thread.
 *
 * @param[in]  name     NUL-terminated name.
 * @param[out] out_type receives the type; untouched on failure.
 * @retval WP_OK                   found.
 * @retval WP_ERR_INVALID_ARGUMENT NULL pointer or unknown name.
 */
WP_NODISCARD wp_status wp_gen_type_from_name(const char *name, wp_gen_type *out_type);

#ifdef __cplusplus
}
#endif

#endif
