/* wavepool: in-memory WAV writer (see wav.h). */
#include "wavepool/wav.h"

#include <math.h>
#include <string.h>

#include "wavepool/dsp.h"

enum { WAV_TAG_PCM = 1, WAV_TAG_FLOAT = 3 };
/* RIFF header 12 + fmt chunk 8+16 + data chunk header 8; float adds cbSize
 * (2) and a fact chunk (12). */
enum { WAV_PCM_HEADER = 44, WAV_FLOAT_HEADER = 58 };

int wp_wav_bytes_per_sample(wp_wav_format format)
{
    switch (format) {
    case WP_WAV_PCM16: return 2;
    case WP_WAV_PCM24: return 3;
    case WP_WAV_FLOAT32: return 4;
    default: return 0;
    }
}

static wp_status check_config(const wp_wav_config *cfg)
{
    if (!cfg || wp_wav_bytes_per_sample(cfg->format) == 0)
        return WP_ERR_INVALID_ARGUMENT;
    if (cfg->channels < 1 || cfg->channels > WP_WAV_MAX_CHANNELS)
        return WP_ERR_OUT_OF_RANGE;
    /* !(a <= b) also catches NaN. */
    if (!(cfg->sample_rate >= WP_DSP_MIN_RATE && cfg->sample_rate <= WP_DSP_MAX_RATE) ||
        cfg->sample_rate != floor(cfg->sample_rate))
        return WP_ERR_OUT_OF_RANGE;
    return WP_OK;
}

/* Data bytes, pad byte included; 0 with WP_ERR_OUT_OF_RANGE past RIFF's
 * 32-bit size field. */
static wp_status data_bytes(const wp_wav_config *cfg, size_t frames, uint64_t *out)
{
    uint64_t block = (uint64_t)cfg->channels * (uint64_t)wp_wav_bytes_per_sample(cfg->format);
    /* Frames up to 2^32 keep the product far from 64-bit overflow. */
    if ((uint64_t)frames > UINT32_MAX)
        return WP_ERR_OUT_OF_RANGE;
    uint64_t bytes = block * (uint64_t)frames;
    uint64_t header = cfg->format == WP_WAV_FLOAT32 ? WAV_FLOAT_HEADER : WAV_PCM_HEADER;
    /* The RIFF size (file minus 8) and the data size are 32-bit fields. */
    if (bytes + (bytes & 1) + header - 8 > UINT32_MAX)
        return WP_ERR_OUT_OF_RANGE;
    *out = bytes;
    return WP_OK;
}

wp_status wp_wav_size(const wp_wav_config *cfg, size_t frames, size_t *out_bytes)
{
    if (!out_bytes)
        return WP_ERR_INVALID_ARGUMENT;
    wp_status st = check_config(cfg);
    uint64_t bytes = 0;
    if (st == WP_OK)
        st = data_bytes(cfg, frames, &bytes);
    if (st != WP_OK)
        return st;
    uint64_t total = bytes + (bytes & 1) + (cfg->format == WP_WAV_FLOAT32 ? WAV_FLOAT_HEADER : WAV_PCM_HEADER);
    if (total > SIZE_MAX)
        return WP_ERR_OUT_OF_RANGE;
    *out_bytes = (size_t)total;
    return WP_OK;
}

static uint8_t *put_u16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v & 0xff);
    p[1] = (uint8_t)((v >> 8) & 0xff);
    return p + 2;
}

static uint8_t *put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)((v >> (8 * i)) & 0xff);
    return p + 4;
}

static uint8_t *put_tag(uint8_t *p, const char tag[4])
{
    memcpy(p, tag, 4);
    return p + 4;
}

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* TPDF dither in LSB: two 32-bit uniforms from one draw, subtracted. */
static double tpdf(uint64_t *state)
{
    uint64_t r = splitmix64(state);
    const double scale = 1.0 / 4294967296.0;
    return (double)(uint32_t)r * scale - (double)(uint32_t)(r >> 32) * scale;
}

static int32_t quantize(double x, double full_scale, int dither, uint64_t *state)
{
    double v = x * full_scale + (dither ? tpdf(state) : 0.0);
    double q = floor(v + 0.5);
    if (q > full_scale - 1.0)
        q = full_scale - 1.0;
    if (q < -full_scale)
        q = -full_scale;
    return (int32_t)q;
}

wp_status wp_wav_encode(const wp_wav_config *cfg, const float *const *channels, size_t frames, uint8_t *out,
                        size_t out_capacity, size_t *out_written)
{
    size_t total = 0;
    wp_status st = check_config(cfg);
    if (st != WP_OK)
        return st;
    if (!out || (frames > 0 && !channels))
        return WP_ERR_INVALID_ARGUMENT;
    for (int c = 0; c < cfg->channels && frames > 0; c++)
        if (!channels[c])
            return WP_ERR_INVALID_ARGUMENT;
    st = wp_wav_size(cfg, frames, &total);
    if (st != WP_OK)
        return st;
    if (out_capacity < total)
        return WP_ERR_INVALID_ARGUMENT;
    for (int c = 0; c < cfg->channels; c++)
        for (size_t i = 0; i < frames; i++)
            if (!isfinite(channels[c][i]))
                return WP_ERR_NOT_FINITE;

    const int is_float = cfg->format == WP_WAV_FLOAT32;
    const uint32_t bps = (uint32_t)wp_wav_bytes_per_sample(cfg->format);
    const uint32_t block = bps * (uint32_t)cfg->channels;
    const uint32_t rate = (uint32_t)cfg->sample_rate;
    const uint32_t data = (uint32_t)((uint64_t)block * frames);

    uint8_t *p = out;
    p = put_tag(p, "RIFF");
    p = put_u32(p, (uint32_t)(total - 8));
    p = put_tag(p, "WAVE");
    p = put_tag(p, "fmt ");
    p = put_u32(p, is_float ? 18 : 16);
    p = put_u16(p, is_float ? WAV_TAG_FLOAT : WAV_TAG_PCM);
    p = put_u16(p, (uint32_t)cfg->channels);
    p = put_u32(p, rate);
    p = put_u32(p, rate * block);
    p = put_u16(p, block);
    p = put_u16(p, bps * 8);
    if (is_float) {
        p = put_u16(p, 0); /* cbSize: no extension */
        p = put_tag(p, "fact");
        p = put_u32(p, 4);
        p = put_u32(p, (uint32_t)frames);
    }
    p = put_tag(p, "data");
    p = put_u32(p, data);

    uint64_t state = cfg->seed;
    const double full_scale = cfg->format == WP_WAV_PCM16 ? 32768.0 : 8388608.0;
    for (size_t i = 0; i < frames; i++) {
        for (int c = 0; c < cfg->channels; c++) {
            float x = channels[c][i];
            if (is_float) {
                uint32_t bits;
                memcpy(&bits, &x, sizeof bits);
                p = put_u32(p, bits);
            } else {
                uint32_t q = (uint32_t)quantize(x, full_scale, cfg->dither, &state);
                p[0] = (uint8_t)(q & 0xff);
                p[1] = (uint8_t)((q >> 8) & 0xff);
                if (bps == 3)
                    p[2] = (uint8_t)((q >> 16) & 0xff);
                p += bps;
            }
        }
    }
    if (data & 1)
        *p++ = 0;
    if (out_written)
        *out_written = (size_t)(p - out);
    return WP_OK;
}
