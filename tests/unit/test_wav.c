/* WAV writer: header fields byte by byte, PCM round trips, TPDF dither
 * statistics, float exactness, errors. */
#include "test_util.h"

#include "wavepool/wav.h"

static uint32_t rd16(const uint8_t *p) { return (uint32_t)p[0] | ((uint32_t)p[1] << 8); }
static uint32_t rd32(const uint8_t *p) { return rd16(p) | (rd16(p + 2) << 16); }

/* Reads sample (frame i, channel c) of a PCM file back as an integer code. */
static int32_t pcm_code(const uint8_t *data, int bps, int channels, size_t i, int c)
{
    const uint8_t *p = data + ((size_t)i * (size_t)channels + (size_t)c) * (size_t)bps;
    if (bps == 2)
        return (int16_t)rd16(p);
    uint32_t v = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16);
    return (int32_t)(v ^ 0x800000u) - 0x800000;
}

static uint8_t *encode(const wp_wav_config *cfg, const float *const *ch, size_t frames, size_t *size)
{
    assert_int_equal(wp_wav_size(cfg, frames, size), WP_OK);
    uint8_t *buf = malloc(*size);
    assert_non_null(buf);
    size_t written = 0;
    assert_int_equal(wp_wav_encode(cfg, ch, frames, buf, *size, &written), WP_OK);
    assert_int_equal(written, *size);
    return buf;
}

static void expect_tag(const uint8_t *p, const char *tag)
{
    if (memcmp(p, tag, 4) != 0)
        fail_msg("expected chunk '%s', found '%.4s'", tag, (const char *)p);
}

static void pcm16_header_fields(void **state)
{
    (void)state;
    float l[3] = {0.0f, 0.5f, -1.0f}, r[3] = {1.0f, -0.5f, 0.25f};
    const float *ch[2] = {l, r};
    wp_wav_config cfg = {WP_WAV_PCM16, 2, 44100, 0, 1};
    size_t size;
    uint8_t *b = encode(&cfg, ch, 3, &size);
    assert_int_equal(size, 44 + 12);
    expect_tag(b, "RIFF");
    assert_int_equal(rd32(b + 4), size - 8);
    expect_tag(b + 8, "WAVE");
    expect_tag(b + 12, "fmt ");
    assert_int_equal(rd32(b + 16), 16);
    assert_int_equal(rd16(b + 20), 1);       /* PCM */
    assert_int_equal(rd16(b + 22), 2);       /* channels */
    assert_int_equal(rd32(b + 24), 44100);   /* rate */
    assert_int_equal(rd32(b + 28), 44100 * 4); /* byte rate */
    assert_int_equal(rd16(b + 32), 4);       /* block align */
    assert_int_equal(rd16(b + 34), 16);      /* bits */
    expect_tag(b + 36, "data");
    assert_int_equal(rd32(b + 40), 12);
    /* Exact codes without dither: 0, full scale clipped, +-0.5, -1, 0.25. */
    const int32_t want[6] = {0, 32767, 16384, -16384, -32768, 8192};
    for (int k = 0; k < 6; k++)
        if (pcm_code(b + 44, 2, 2, (size_t)k / 2, k % 2) != want[k])
            fail_msg("sample %d: code %d, expected %d", k, pcm_code(b + 44, 2, 2, (size_t)k / 2, k % 2), want[k]);
    free(b);
}

static void pcm24_header_and_pad_byte(void **state)
{
    (void)state;
    float m[3] = {0.5f, -0.25f, 1.5f};
    const float *ch[1] = {m};
    wp_wav_config cfg = {WP_WAV_PCM24, 1, 48000, 0, 1};
    size_t size;
    uint8_t *b = encode(&cfg, ch, 3, &size);
    /* 9 data bytes + 1 pad byte. */
    assert_int_equal(size, 44 + 10);
    assert_int_equal(rd32(b + 4), size - 8);
    assert_int_equal(rd16(b + 20), 1);
    assert_int_equal(rd16(b + 22), 1);
    assert_int_equal(rd32(b + 24), 48000);
    assert_int_equal(rd32(b + 28), 48000 * 3);
    assert_int_equal(rd16(b + 32), 3);
    assert_int_equal(rd16(b + 34), 24);
    assert_int_equal(rd32(b + 40), 9);
    assert_int_equal(pcm_code(b + 44, 3, 1, 0, 0), 4194304);
    assert_int_equal(pcm_code(b + 44, 3, 1, 1, 0), -2097152);
    assert_int_equal(pcm_code(b + 44, 3, 1, 2, 0), 8388607); /* clipped */
    assert_int_equal(b[53], 0);
    free(b);
}

static void float_header_and_exact_samples(void **state)
{
    (void)state;
    test_rng rng = test_rng_seeded(test_seed());
    enum { N = 4001 };
    static float l[N], r[N];
    for (int i = 0; i < N; i++) {
        l[i] = test_rng_float(&rng) * 4.0f; /* beyond +-1 must survive */
        r[i] = test_rng_float(&rng) * 1e-30f;
    }
    const float *ch[2] = {l, r};
    wp_wav_config cfg = {WP_WAV_FLOAT32, 2, 96000, 1, 7};
    size_t size;
    uint8_t *b = encode(&cfg, ch, N, &size);
    assert_int_equal(size, 58 + N * 8);
    expect_tag(b, "RIFF");
    assert_int_equal(rd32(b + 4), size - 8);
    expect_tag(b + 12, "fmt ");
    assert_int_equal(rd32(b + 16), 18);
    assert_int_equal(rd16(b + 20), 3);       /* IEEE float */
    assert_int_equal(rd16(b + 22), 2);
    assert_int_equal(rd32(b + 24), 96000);
    assert_int_equal(rd32(b + 28), 96000 * 8);
    assert_int_equal(rd16(b + 32), 8);
    assert_int_equal(rd16(b + 34), 32);
    assert_int_equal(rd16(b + 36), 0);       /* cbSize */
    expect_tag(b + 38, "fact");
    assert_int_equal(rd32(b + 42), 4);
    assert_int_equal(rd32(b + 46), N);
    expect_tag(b + 50, "data");
    assert_int_equal(rd32(b + 54), N * 8);
    for (int i = 0; i < N; i++) {
        uint32_t wl, wr;
        memcpy(&wl, &l[i], 4);
        memcpy(&wr, &r[i], 4);
        if (rd32(b + 58 + i * 8) != wl || rd32(b + 62 + i * 8) != wr)
            fail_msg("frame %d not bit-exact", i);
    }
    free(b);
}

/* Round trip of random values: undithered within 0.5 LSB, dithered within
 * 1.5 LSB (rounding + the dither's +-1 LSB); the dithered error has mean 0
 * and variance 1/4 LSB^2. */
static void round_trip(wp_wav_format format, int dither)
{
    test_rng rng = test_rng_seeded(test_seed() + (uint64_t)format * 2 + (uint64_t)dither);
    enum { N = 50000 };
    float *x = malloc(N * sizeof *x);
    assert_non_null(x);
    /* 24-bit: below 2^-8 full scale, where a float still carries 8 bits
     * under the LSB (louder floats sit on half-LSB steps: rounding ties). */
    const float amp = format == WP_WAV_PCM24 ? 0.99f / 256.0f : 0.99f;
    for (int i = 0; i < N; i++)
        x[i] = test_rng_float(&rng) * amp;
    const float *ch[1] = {x};
    wp_wav_config cfg = {format, 1, 48000, dither, 12345};
    size_t size;
    uint8_t *b = encode(&cfg, ch, N, &size);
    const int bps = wp_wav_bytes_per_sample(format);
    const double fs = format == WP_WAV_PCM16 ? 32768.0 : 8388608.0;
    double worst = 0, sum = 0, sum2 = 0;
    for (int i = 0; i < N; i++) {
        double e = pcm_code(b + 44, bps, 1, (size_t)i, 0) - (double)x[i] * fs;
        worst = fmax(worst, fabs(e));
        sum += e;
        sum2 += e * e;
    }
    double mean = sum / N, var = sum2 / N - mean * mean;
    printf("# %d-bit dither %d: worst error %.4f LSB, mean %.4f, variance %.4f LSB^2\n", bps * 8, dither, worst,
           mean, var);
    double bound = dither ? 1.5 : 0.5;
    if (worst > bound + 1e-6)
        fail_msg("worst error %.4f LSB > %.1f", worst, bound);
    if (fabs(mean) > 0.01)
        fail_msg("mean error %.4f LSB", mean);
    double want_var = dither ? 0.25 : 1.0 / 12.0;
    if (fabs(var - want_var) > 0.1 * want_var)
        fail_msg("error variance %.4f LSB^2, expected %.4f", var, want_var);
    free(b);
    free(x);
}

static void pcm16_round_trip(void **state)
{
    (void)state;
    round_trip(WP_WAV_PCM16, 0);
    round_trip(WP_WAV_PCM16, 1);
}

static void pcm24_round_trip(void **state)
{
    (void)state;
    round_trip(WP_WAV_PCM24, 0);
    round_trip(WP_WAV_PCM24, 1);
}

/* Silence with TPDF dither: codes -1, 0, +1 with probabilities 1/8, 3/4,
 * 1/8; a constant 0.3 LSB comes back as 0.3 LSB on average (dither makes
 * the quantizer linear), where plain rounding gives 0; a seed is
 * reproducible and another seed differs. */
static void dither_statistics(void **state)
{
    (void)state;
    enum { N = 200000 };
    float *x = calloc(N, sizeof *x);
    assert_non_null(x);
    const float *ch[1] = {x};
    wp_wav_config cfg = {WP_WAV_PCM16, 1, 48000, 1, 99};
    size_t size;
    uint8_t *b = encode(&cfg, ch, N, &size);
    size_t count[3] = {0, 0, 0};
    for (int i = 0; i < N; i++) {
        int32_t q = pcm_code(b + 44, 2, 1, (size_t)i, 0);
        if (q < -1 || q > 1)
            fail_msg("silence dithered to code %d", q);
        count[q + 1]++;
    }
    double p[3] = {(double)count[0] / N, (double)count[1] / N, (double)count[2] / N};
    printf("# dithered silence: P(-1) %.4f P(0) %.4f P(+1) %.4f\n", p[0], p[1], p[2]);
    if (fabs(p[0] - 0.125) > 0.005 || fabs(p[1] - 0.75) > 0.005 || fabs(p[2] - 0.125) > 0.005)
        fail_msg("code probabilities %.4f %.4f %.4f, expected 0.125 0.75 0.125", p[0], p[1], p[2]);

    uint8_t *again = encode(&cfg, ch, N, &size);
    assert_memory_equal(b, again, size);
    cfg.seed = 100;
    uint8_t *other = encode(&cfg, ch, N, &size);
    if (memcmp(b + 44, other + 44, size - 44) == 0)
        fail_msg("seeds 99 and 100 gave the same dither");

    for (int i = 0; i < N; i++)
        x[i] = 0.3f / 32768.0f;
    cfg.seed = 5;
    uint8_t *dc = encode(&cfg, ch, N, &size);
    double sum = 0;
    for (int i = 0; i < N; i++)
        sum += pcm_code(dc + 44, 2, 1, (size_t)i, 0);
    printf("# 0.3 LSB dithered: mean code %.4f\n", sum / N);
    if (fabs(sum / N - 0.3) > 0.01)
        fail_msg("0.3 LSB input came back as %.4f LSB on average", sum / N);
    free(b);
    free(again);
    free(other);
    free(dc);
    free(x);
}

static void errors(void **state)
{
    (void)state;
    float x[4] = {0, 0, 0, 0};
    const float *ch[1] = {x};
    uint8_t buf[128];
    size_t size = 0;
    wp_wav_config cfg = {WP_WAV_PCM16, 1, 48000, 1, 1};
    assert_int_equal(wp_wav_size(NULL, 4, &size), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_wav_size(&cfg, 4, NULL), WP_ERR_INVALID_ARGUMENT);
    wp_wav_config bad = cfg;
    bad.format = WP_WAV_FORMAT_COUNT;
    assert_int_equal(wp_wav_size(&bad, 4, &size), WP_ERR_INVALID_ARGUMENT);
    bad = cfg;
    bad.channels = 0;
    assert_int_equal(wp_wav_size(&bad, 4, &size), WP_ERR_OUT_OF_RANGE);
    bad.channels = WP_WAV_MAX_CHANNELS + 1;
    assert_int_equal(wp_wav_size(&bad, 4, &size), WP_ERR_OUT_OF_RANGE);
    bad = cfg;
    bad.sample_rate = 44100.5;
    assert_int_equal(wp_wav_size(&bad, 4, &size), WP_ERR_OUT_OF_RANGE);
    bad.sample_rate = NAN;
    assert_int_equal(wp_wav_size(&bad, 4, &size), WP_ERR_OUT_OF_RANGE);
    bad.sample_rate = 4000;
    assert_int_equal(wp_wav_size(&bad, 4, &size), WP_ERR_OUT_OF_RANGE);
    /* Over the 32-bit RIFF size: 2^30 stereo float frames = 8 GiB. */
    bad = cfg;
    bad.format = WP_WAV_FLOAT32;
    bad.channels = 2;
    assert_int_equal(wp_wav_size(&bad, (size_t)1 << 29, &size), WP_ERR_OUT_OF_RANGE);
    /* The largest 16-bit mono file RIFF allows (over SIZE_MAX on wasm32). */
    assert_int_equal(wp_wav_size(&cfg, (size_t)(UINT32_MAX - 36) / 2, &size),
                     SIZE_MAX > UINT32_MAX ? WP_OK : WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_wav_size(&cfg, (size_t)(UINT32_MAX - 36) / 2 + 1, &size), WP_ERR_OUT_OF_RANGE);
    /* Empty file. */
    assert_int_equal(wp_wav_size(&cfg, 0, &size), WP_OK);
    assert_int_equal(size, 44);
    size_t written = 0;
    assert_int_equal(wp_wav_encode(&cfg, NULL, 0, buf, sizeof buf, &written), WP_OK);
    assert_int_equal(written, 44);
    assert_int_equal(rd32(buf + 40), 0);
    /* Too small a buffer, NULLs, non-finite input. */
    assert_int_equal(wp_wav_encode(&cfg, ch, 4, buf, 51, &written), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_wav_encode(&cfg, NULL, 4, buf, sizeof buf, &written), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_wav_encode(&cfg, ch, 4, NULL, sizeof buf, &written), WP_ERR_INVALID_ARGUMENT);
    x[2] = NAN;
    assert_int_equal(wp_wav_encode(&cfg, ch, 4, buf, sizeof buf, &written), WP_ERR_NOT_FINITE);
    x[2] = INFINITY;
    cfg.format = WP_WAV_FLOAT32;
    assert_int_equal(wp_wav_encode(&cfg, ch, 4, buf, sizeof buf, &written), WP_ERR_NOT_FINITE);
    assert_int_equal(wp_wav_bytes_per_sample(WP_WAV_PCM24), 3);
    assert_int_equal(wp_wav_bytes_per_sample(WP_WAV_FORMAT_COUNT), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pcm16_header_fields),
        cmocka_unit_test(pcm24_header_and_pad_byte),
        cmocka_unit_test(float_header_and_exact_samples),
        cmocka_unit_test(pcm16_round_trip),
        cmocka_unit_test(pcm24_round_trip),
        cmocka_unit_test(dither_statistics),
        cmocka_unit_test(errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
