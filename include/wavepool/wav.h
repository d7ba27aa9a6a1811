/** @file
 * @brief wavepool: in-memory WAV (RIFF/WAVE) writer.
 *
 * Encodes planar float channels (+-1.0 = 0 dBFS) into one buffer holding a
 * complete .wav file, little-endian:
 *
 * ~~~
 *   WP_WAV_PCM16  16-bit PCM (format tag 1)
 *   WP_WAV_PCM24  24-bit PCM (format tag 1), packed 3 bytes per sample
 *   WP_WAV_FLOAT32 32-bit IEEE float (format tag 3, WAVE_FORMAT_IEEE_FLOAT),
 *                 with the cbSize field and a "fact" chunk (frame count) as
 *                 the format requires for non-PCM data.
 * ~~~
 *
 * Layout: "RIFF" size "WAVE", "fmt " (16 bytes for PCM, 18 for float),
 * ["fact" 4], "data" size samples, interleaved frame by frame; a pad byte
 * after odd-sized data (24-bit, odd channels x frames), counted in the RIFF
 * size as RIFF requires.
 *
 * PCM scaling: full scale is `2^(bits-1)`: x = 1.0 maps to 32768 (16-bit),
 * clipped to the largest code 32767; -1.0 maps to -32768 exactly. Samples
 * beyond the range are clipped to `[-2^(bits-1), 2^(bits-1) - 1]` after
 * dither. Float samples are written bit-exact (no scaling, no clipping:
 * values beyond +-1.0 survive, which is what a float export is for).
 *
 * Dither (PCM only, when `dither` is set): TPDF, the difference of two
 * independent uniform values in [0, 1) LSB, i.e. triangular on (-1, +1)
 * LSB, added before rounding to the nearest code. It makes the
 * quantization error independent of the signal (mean 0, variance 1/4
 * LSB^2: 1/12 from rounding + 1/6 from the dither); an undithered sample is
 * within 0.5 LSB of its input, a dithered one within 1.5 LSB. The dither
 * comes from splitmix64 seeded with `seed`, one draw per sample in file
 * order, so a seed gives the same bytes on every platform.
 *
 * Limits: channels 1..WP_WAV_MAX_CHANNELS; sample_rate a whole number of
 * Hz in WP_DSP_MIN_RATE..WP_DSP_MAX_RATE (8000..384000); the file must fit
 * the 32-bit RIFF size (about 4 GiB), else WP_ERR_OUT_OF_RANGE. frames may
 * be 0 (a valid empty file).
 *
 * Threads: pure functions of their arguments, no allocation, lock or I/O;
 * any thread (real-time safe, though encoding costs O(frames x channels)).
 */
#ifndef WAVEPOOL_WAV_H
#define WAVEPOOL_WAV_H

#include <stddef.h>
#include <stdint.h>

#include "wavepool/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most channels of a file. */
#define WP_WAV_MAX_CHANNELS 8

/** Sample formats. */
typedef enum wp_wav_format {
    WP_WAV_PCM16 = 0,     /**< 16-bit PCM (format tag 1) */
    WP_WAV_PCM24,         /**< 24-bit PCM (format tag 1), packed 3 bytes per sample */
    WP_WAV_FLOAT32,       /**< 32-bit IEEE float (format tag 3), with cbSize and "fact" */
    WP_WAV_FORMAT_COUNT   /**< number of formats (not a format) */
} wp_wav_format;

/** What to write. */
typedef struct wp_wav_config {
    wp_wav_format format; /**< sample format */
    int channels;        /**< 1..WP_WAV_MAX_CHANNELS */
    double sample_rate;  /**< Hz, whole number, 8000..384000 */
    int dither;          /**< PCM: 1 = TPDF dither, 0 = plain rounding (ignored for float) */
    uint64_t seed;       /**< dither seed */
} wp_wav_config;

/** Bytes of the whole file for @p frames frames (call first, allocate, then
 * encode).
 *
 * Pure; any thread.
 *
 * @param[in]  cfg       what to write (borrowed for the call).
 * @param[in]  frames    frames per channel; 0 gives the size of an empty file.
 * @param[out] out_bytes receives the file size in bytes (header, data and any
 *                       pad byte).
 * @retval WP_OK                   computed.
 * @retval WP_ERR_INVALID_ARGUMENT @p cfg or @p out_bytes is NULL, or a bad
 *                                 format.
 * @retval WP_ERR_OUT_OF_RANGE     channels, rate (not whole, outside
 *                                 8000..384000, NaN), or a file over the RIFF
 *                                 limit (or over SIZE_MAX).
 */
WP_NODISCARD wp_status wp_wav_size(const wp_wav_config *cfg, size_t frames, size_t *out_bytes);

/** Writes a complete WAV file to @p out.
 *
 * Every argument and every sample is checked before anything is written, so
 * on any error nothing is written to @p out. Pure; any thread.
 *
 * @param[in]  cfg          what to write (borrowed for the call).
 * @param[in]  channels     cfg->channels planar buffers of @p frames samples
 *                          (1.0 = 0 dBFS, finite); may be NULL when @p frames
 *                          is 0.
 * @param[in]  frames       frames per channel, 0 included (a valid empty file).
 * @param[out] out          the file's bytes (not NULL, even for 0 frames).
 * @param[in]  out_capacity bytes available at @p out, at least wp_wav_size().
 * @param[out] out_written  receives the byte count written (equal to
 *                          wp_wav_size()); may be NULL.
 * @retval WP_OK                   written.
 * @retval WP_ERR_INVALID_ARGUMENT NULL @p cfg, @p out, @p channels or a channel
 *                                 buffer (with @p frames > 0), a bad format,
 *                                 or @p out_capacity less than wp_wav_size()
 *                                 (nothing written).
 * @retval WP_ERR_OUT_OF_RANGE     channels, rate, or a file over the RIFF
 *                                 limit.
 * @retval WP_ERR_NOT_FINITE       a NaN or Inf sample (nothing written).
 */
WP_NODISCARD wp_status wp_wav_encode(const wp_wav_config *cfg, const float *const *channels, size_t frames,
                                     uint8_t *out, size_t out_capacity, size_t *out_written);

/** Bytes per sample of a format.
 *
 * Pure; any thread.
 *
 * @param[in] format the format.
 * @return 2, 3 or 4; 0 for an invalid format.
 */
int wp_wav_bytes_per_sample(wp_wav_format format);

#ifdef __cplusplus
}
#endif

#endif
