/* The demo track (see demo.h): note events rendered as closed-form voices
 * into filtered buses, computed in grid blocks fixed in absolute frames so
 * any range renders to the same bits.
 *
 * Why it is chunk-independent: every voice's state (oscillator phase,
 * envelope, noise index) is computed in closed form from the time since its
 * note started at the start of each 256-frame sub-block, then stepped
 * within the sub-block; sub-blocks lie on an absolute grid. The only
 * recursive state, the bus filters, restarts from zero WARM_S before each
 * grid block; their impulse responses (slowest pole time constant 0.4 ms)
 * have decayed by e^-40 by then, so the restart is exact to float precision
 * and the block joins its neighbour seamlessly. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "../dsp/dsp_util.h"
#include "wavepool/demo.h"
#include "wavepool/eq.h"

#define STEPS_PER_BAR 16 /* sixteenth notes */
#define TOTAL_STEPS (WP_DEMO_BARS * STEPS_PER_BAR)
#define SUB 256          /* frames per sub-block; grid and warm-up are multiples */
#define GRID_S 0.128     /* grid block, seconds (rounded up to whole sub-blocks) */
#define WARM_S 0.016     /* filter warm-up before each grid block */
/* Master gain: -16 LUFS integrated at 48 kHz (measured by test_demo). */
#define MASTER_GAIN 0.42f
/* Peak safety: samples beyond KNEE (-2.0 dBFS) bend smoothly towards
 * CEILING (-1.1 dBFS), which they never reach, so no rate's sum of
 * coinciding hits can pass -1 dBFS. At 44.1 and 48 kHz it touches only a
 * few samples of coinciding kick, snare and bass. */
#define KNEE 0.794f
#define CEILING 0.881f

enum bus { PAD_L, PAD_R, ARP_L, ARP_R, BASS_SAW, SNARE_NOISE, HAT, CRASH, DRY, BUS_COUNT };

/* Filters per bus (at most three in series). */
#define MAX_STAGES 3

typedef struct biquad {
    wp_biquad_coeffs c;
    double z1, z2;
} biquad;

typedef struct song {
    double rate;
    double step;        /* frames per sixteenth note */
    double bar;         /* frames per bar */
    int64_t length;     /* frames in the piece */
    int64_t grid, warm; /* grid block and warm-up, frames */
    float noise_gain;   /* keeps noise band levels independent of the rate */
} song;

typedef struct block {
    const song *s;
    int64_t p;  /* first frame of the sub-block */
    int n;      /* frames in it */
    int dry;    /* whether unfiltered voices are needed (not in warm-up) */
    float bus[BUS_COUNT][SUB];
    int used[BUS_COUNT];
} block;

/* ---- time ------------------------------------------------------------- */

/* First frame of sixteenth `step` counted from the start of the piece; steps
 * outside the piece map periodically (notes of the previous and next pass). */
static int64_t step_frame(const song *s, int64_t step)
{
    int64_t shift = 0;
    while (step < 0)
        step += TOTAL_STEPS, shift -= s->length;
    while (step >= TOTAL_STEPS)
        step -= TOTAL_STEPS, shift += s->length;
    return llround((double)step * s->step) + shift;
}

static int64_t frame_mod(const song *s, int64_t f)
{
    f %= s->length;
    return f < 0 ? f + s->length : f;
}

static int64_t seconds(const song *s, double sec) { return (int64_t)llround(sec * s->rate); }

static double midi_hz(int note) { return 440.0 * pow(2.0, (note - 69) / 12.0); }

/* 32-bit integer hash (lowbias32): noise and per-note phases. */
static uint32_t hash32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    x ^= x >> 16;
    return x;
}

/* ---- envelopes ---------------------------------------------------------- */

/* (1 - e^(-t/attack)) while t < gate, then a release that falls from 1 to
 * exactly 0 over `tail` seconds with time constant `release`:
 * (e^(-x/release) - e^(-tail/release)) / (1 - e^(-tail/release)). */
typedef struct env_shape {
    double attack, release, tail; /* seconds; attack 0 = instant */
} env_shape;

typedef struct env {
    double a, ka, r, kr, floor, scale;
    int64_t t, gate;
} env;

static int64_t env_length(const song *s, const env_shape *sh, int64_t gate) { return gate + seconds(s, sh->tail); }

/* State at time t (frames since the note started). */
static void env_at(env *e, const song *s, const env_shape *sh, int64_t gate, int64_t t)
{
    e->ka = sh->attack > 0.0 ? exp(-1.0 / (sh->attack * s->rate)) : 0.0;
    e->a = sh->attack > 0.0 ? exp(-(double)t / (sh->attack * s->rate)) : 0.0;
    e->kr = exp(-1.0 / (sh->release * s->rate));
    e->r = t > gate ? exp(-(double)(t - gate) / (sh->release * s->rate)) : 1.0;
    e->floor = exp(-sh->tail / sh->release);
    e->scale = 1.0 / (1.0 - e->floor);
    e->t = t;
    e->gate = gate;
}

static inline double env_next(env *e)
{
    double v = 1.0 - e->a;
    if (e->t >= e->gate) {
        v *= (e->r - e->floor) * e->scale;
        e->r *= e->kr;
    }
    e->a *= e->ka;
    e->t++;
    return v;
}

/* e^(-t/tau) stepped per frame. */
typedef struct decay {
    double v, k;
} decay;

static decay decay_at(const song *s, double tau, int64_t t)
{
    decay d = {exp(-(double)t / (tau * s->rate)), exp(-1.0 / (tau * s->rate))};
    return d;
}

/* ---- oscillators -------------------------------------------------------- */

/* PolyBLEP saw, phase in [0, 1): rises from -1 to 1, the jump smoothed by
 * the two-sample polynomial residual. */
static inline double saw_next(double *phase, double inc)
{
    double ph = *phase + inc;
    if (ph >= 1.0)
        ph -= 1.0;
    *phase = ph;
    double v = 2.0 * ph - 1.0;
    if (ph < inc) {
        double x = ph / inc;
        v -= x + x - x * x - 1.0;
    } else if (ph > 1.0 - inc) {
        double x = (ph - 1.0) / inc;
        v -= x * x + x + x + 1.0;
    }
    return v;
}

/* Phase (turns, in [0, 1)) t frames after the note started at phase0, one
 * frame before the first saw_next call so that call yields frame t. */
static double saw_phase_at(double phase0, double inc, int64_t t)
{
    double ph = phase0 + inc * (double)(t - 1);
    return ph - floor(ph);
}

/* Constant-power pan, -1 (left) .. 1 (right), unity at the centre. */
static void pan_gains(double pan, float g[2])
{
    double a = (pan + 1.0) * (WP_PI / 4.0);
    g[0] = (float)(sqrt(2.0) * cos(a));
    g[1] = (float)(sqrt(2.0) * sin(a));
}

/* Overlap of a note [t0, t0 + len) with the sub-block: first frame index
 * in the sub-block and count; 0 when they do not overlap. */
static int overlap(const block *b, int64_t t0, int64_t len, int *first)
{
    int64_t lo = t0 > b->p ? t0 : b->p, hi = t0 + len < b->p + b->n ? t0 + len : b->p + b->n;
    if (hi <= lo)
        return 0;
    *first = (int)(lo - b->p);
    return (int)(hi - lo);
}

/* ---- voices ------------------------------------------------------------- */

static const env_shape pad_env_intro = {0.45, 0.16, 0.6};
static const env_shape pad_env = {0.06, 0.16, 0.6};

/* Pad note: two saws detuned by +-7 cents, spread left and right. */
static void pad_note(block *b, int64_t t0, int64_t gate, int note, float gain, const env_shape *sh)
{
    const song *s = b->s;
    int first, n = overlap(b, t0, env_length(s, sh, gate), &first);
    if (!n)
        return;
    const int64_t t = b->p + first - t0;
    const double f = midi_hz(note), detune = pow(2.0, 7.0 / 1200.0);
    const uint32_t id = hash32((uint32_t)frame_mod(s, t0) ^ (uint32_t)note << 24);
    double inc[2] = {f / detune / s->rate, f * detune / s->rate}, ph[2];
    for (int v = 0; v < 2; v++)
        ph[v] = saw_phase_at((double)(hash32(id + (uint32_t)v) >> 8) / 16777216.0, inc[v], t);
    env e;
    env_at(&e, s, sh, gate, t);
    float *l = b->bus[PAD_L] + first, *r = b->bus[PAD_R] + first;
    /* voice 0 at pan -0.6, voice 1 at +0.6 */
    float pg[2];
    pan_gains(-0.6, pg);
    const float near = pg[0] * gain, far = pg[1] * gain;
    for (int i = 0; i < n; i++) {
        float g = (float)env_next(&e);
        float a = g * (float)saw_next(&ph[0], inc[0]), c = g * (float)saw_next(&ph[1], inc[1]);
        l[i] += near * a + far * c;
        r[i] += far * a + near * c;
    }
    b->used[PAD_L] = b->used[PAD_R] = 1;
}

static const env_shape bass_env = {0.002, 0.02, 0.08};

/* Bass note: sine (dry) plus a saw whose level plucks from 1 to 0.4 (into
 * the bass low-pass). */
static void bass_note(block *b, int64_t t0, int64_t gate, int note, float gain)
{
    const song *s = b->s;
    int first, n = overlap(b, t0, env_length(s, &bass_env, gate), &first);
    if (!n)
        return;
    const int64_t t = b->p + first - t0;
    const double f = midi_hz(note), inc = f / s->rate;
    env e;
    env_at(&e, s, &bass_env, gate, t);
    decay pluck = decay_at(s, 0.15, t);
    double ph = saw_phase_at(0.5, inc, t);
    /* sine by rotation from its exact phase at the segment start */
    double w = WP_TWO_PI * inc, c = cos(w * (double)t), sn = sin(w * (double)t), cw = cos(w), sw = sin(w);
    float *saw = b->bus[BASS_SAW] + first, *dry = b->bus[DRY] + first;
    for (int i = 0; i < n; i++) {
        double g = env_next(&e) * gain;
        saw[i] += (float)(g * (0.4 + 0.6 * pluck.v) * 0.45 * saw_next(&ph, inc));
        if (b->dry)
            dry[i] += (float)(g * sn);
        pluck.v *= pluck.k;
        double c2 = c * cw - sn * sw;
        sn = sn * cw + c * sw;
        c = c2;
    }
    b->used[BASS_SAW] = 1;
}

static const env_shape kick_env = {0.0, 0.2, 0.5};

/* Kick: sine swept 45 Hz + 110 Hz e^(-t/35 ms) + 700 Hz e^(-t/2.5 ms); the
 * fast term is the click. Phase is the closed-form integral. */
static void kick(block *b, int64_t t0, float gain)
{
    const song *s = b->s;
    int first, n;
    if (!b->dry || !(n = overlap(b, t0, env_length(s, &kick_env, 0), &first)))
        return;
    const int64_t t = b->p + first - t0;
    env e;
    env_at(&e, s, &kick_env, 0, t);
    const double t1 = 0.035, t2 = 0.0025, a1 = 110.0 * t1, a2 = 700.0 * t2;
    decay d1 = decay_at(s, t1, t), d2 = decay_at(s, t2, t);
    float *dry = b->bus[DRY] + first;
    for (int i = 0; i < n; i++) {
        double sec = (double)(t + i) / s->rate;
        double turns = 45.0 * sec + a1 * (1.0 - d1.v) + a2 * (1.0 - d2.v);
        dry[i] += (float)(gain * env_next(&e) * sin(WP_TWO_PI * (turns - floor(turns))));
        d1.v *= d1.k;
        d2.v *= d2.k;
    }
}

/* Noise into a bus: hashed frame index (periodic with the piece), the salt
 * separating instruments. */
static void noise_hit(block *b, enum bus bus, uint32_t salt, int64_t t0, float gain, const env_shape *sh)
{
    const song *s = b->s;
    int first, n = overlap(b, t0, env_length(s, sh, 0), &first);
    if (!n)
        return;
    env e;
    env_at(&e, s, sh, 0, b->p + first - t0);
    int64_t idx = frame_mod(s, b->p + first);
    const float g = gain * s->noise_gain * (1.0f / 2147483648.0f);
    float *out = b->bus[bus] + first;
    for (int i = 0; i < n; i++) {
        out[i] += g * (float)env_next(&e) * (float)(int32_t)hash32((uint32_t)idx ^ salt);
        if (++idx == s->length)
            idx = 0;
    }
    b->used[bus] = 1;
}

static const env_shape snare_tone_env = {0.0, 0.045, 0.2};
static const env_shape snare_noise_env = {0.0003, 0.085, 0.32};

/* Snare: 180 and 330 Hz tones dropping from +20 % (dry) plus noise. */
static void snare(block *b, int64_t t0, float gain)
{
    noise_hit(b, SNARE_NOISE, 0x5a4e0001u, t0, 1.1f * gain, &snare_noise_env);
    const song *s = b->s;
    int first, n;
    if (!b->dry || !(n = overlap(b, t0, env_length(s, &snare_tone_env, 0), &first)))
        return;
    const int64_t t = b->p + first - t0;
    env e;
    env_at(&e, s, &snare_tone_env, 0, t);
    const double tau = 0.02;
    decay d = decay_at(s, tau, t);
    float *dry = b->bus[DRY] + first;
    for (int i = 0; i < n; i++) {
        double sec = (double)(t + i) / s->rate, sweep = 0.2 * tau * (1.0 - d.v);
        double p1 = 180.0 * (sec + sweep), p2 = 330.0 * (sec + sweep);
        double tone = sin(WP_TWO_PI * (p1 - floor(p1))) + 0.6 * sin(WP_TWO_PI * (p2 - floor(p2)));
        dry[i] += (float)(0.4 * gain * env_next(&e) * tone);
        d.v *= d.k;
    }
}

static const env_shape hat_env = {0.0002, 0.022, 0.09};
static const env_shape open_hat_env = {0.0002, 0.16, 0.45};
static const env_shape crash_env = {0.0005, 0.55, 1.8};
static const env_shape arp_env = {0.001, 0.1, 0.3};

/* Arpeggio pluck: a saw into the arp buses at `pan`. */
static void arp_note(block *b, int64_t t0, int note, float gain, double pan)
{
    const song *s = b->s;
    int first, n = overlap(b, t0, env_length(s, &arp_env, 0), &first);
    if (!n)
        return;
    const int64_t t = b->p + first - t0;
    const double inc = midi_hz(note) / s->rate;
    double ph = saw_phase_at(0.0, inc, t);
    env e;
    env_at(&e, s, &arp_env, 0, t);
    float g[2];
    pan_gains(pan, g);
    float *l = b->bus[ARP_L] + first, *r = b->bus[ARP_R] + first;
    for (int i = 0; i < n; i++) {
        float v = gain * (float)(env_next(&e) * saw_next(&ph, inc));
        l[i] += g[0] * v;
        r[i] += g[1] * v;
    }
    b->used[ARP_L] = b->used[ARP_R] = 1;
}

/* ---- the score ---------------------------------------------------------- */

/* Am7, Fmaj7, C, G: pad voicings (MIDI) and bass roots. */
static const int chord_notes[4][4] = {{57, 60, 64, 67}, {53, 57, 60, 64}, {55, 60, 64, 67}, {55, 59, 62, 67}};
static const int bass_roots[4] = {33, 29, 36, 31};

typedef struct bass_step {
    int pos, interval, len; /* sixteenths, semitones above the root, sixteenths */
} bass_step;

static const bass_step bass_intro[] = {{0, 0, 12}, {12, 12, 2}, {14, 7, 2}};
static const bass_step bass_groove[] = {{0, 0, 3}, {3, 0, 1}, {4, 12, 2}, {6, 0, 2},
                                        {8, 7, 2}, {10, 0, 2}, {12, 12, 1}, {14, 7, 2}};
static const bass_step bass_octaves[] = {{0, 0, 2}, {2, 12, 2}, {4, 0, 2}, {6, 12, 2},
                                         {8, 0, 2}, {10, 12, 2}, {12, 0, 2}, {14, 12, 2}};

/* Hat velocities per sixteenth (0 = none). */
static const float hats_intro[16] = {0.5f, 0, 0.3f, 0, 0.45f, 0, 0.3f, 0, 0.5f, 0, 0.3f, 0, 0.45f, 0, 0.35f, 0};
static const float hats_groove[16] = {0.85f, 0.3f, 0.55f, 0.3f, 0.8f, 0.3f, 0.55f, 0.35f,
                                      0.85f, 0.3f, 0.55f, 0.3f, 0.8f, 0.3f, 0.6f, 0.4f};
static const float hats_lift[16] = {0.6f, 0.25f, 0, 0.25f, 0.55f, 0.25f, 0, 0.25f,
                                    0.6f, 0.25f, 0, 0.25f, 0.55f, 0.25f, 0, 0.3f};
static const int arp_order[8] = {0, 1, 2, 3, 1, 2, 3, 2};

/* Pad low-pass cutoff (Hz) at breakpoints (sixteenths), log-linear between:
 * opens through the intro, dips for the variation, closes in the last half
 * bar back to the intro's start. */
static const double cutoff_points[][2] = {{0, 500},     {64, 2200},  {128, 2200}, {136, 1300},
                                          {192, 1600},  {200, 2600}, {248, 2600}, {256, 500}};

static double pad_cutoff(const song *s, int64_t frame)
{
    double u = (double)frame_mod(s, frame) / s->step;
    size_t i = 1;
    while (i + 1 < sizeof cutoff_points / sizeof cutoff_points[0] && u >= cutoff_points[i][0])
        i++;
    const double *a = cutoff_points[i - 1], *c = cutoff_points[i];
    double x = (u - a[0]) / (c[0] - a[0]);
    x = x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x;
    return fmin(a[1] * pow(c[1] / a[1], x), 0.4 * s->rate);
}

/* Every note of bar `bar` (any integer; the score repeats every
 * WP_DEMO_BARS) that can sound in the sub-block. */
static void play_bar(block *b, int64_t bar)
{
    const song *s = b->s;
    const int64_t base = bar * STEPS_PER_BAR;
    const int in_piece = (int)(((bar % WP_DEMO_BARS) + WP_DEMO_BARS) % WP_DEMO_BARS);
    const int section = in_piece / 4, chord = in_piece % 4;
    const int last = in_piece == WP_DEMO_BARS - 1;

    /* pad: whole-bar chords */
    const int64_t t0 = step_frame(s, base);
    const int64_t bar_len = step_frame(s, base + STEPS_PER_BAR) - t0;
    const float pad_gain = section == 2 ? 0.075f : 0.09f;
    for (int k = 0; k < 4; k++)
        pad_note(b, t0, bar_len, chord_notes[chord][k], pad_gain, section == 0 ? &pad_env_intro : &pad_env);

    /* bass */
    const bass_step *bs = section == 0 ? bass_intro : section == 2 ? bass_octaves : bass_groove;
    const size_t nbs = section == 0 ? 3 : 8;
    for (size_t k = 0; k < nbs; k++) {
        int interval = bs[k].interval;
        /* leading tone G# into the Am of the next bar */
        if (section == 2 && chord == 3 && bs[k].pos == 14)
            interval = 1;
        const int64_t on = step_frame(s, base + bs[k].pos);
        bass_note(b, on, step_frame(s, base + bs[k].pos + bs[k].len) - on - seconds(s, 0.01),
                  bass_roots[chord] + interval, 0.32f);
    }

    /* kick */
    static const int kick_intro[] = {0}, kick_groove[] = {0, 6, 8}, kick_floor[] = {0, 4, 8, 12};
    const int *kp = section == 0 ? kick_intro : section == 2 ? kick_floor : kick_groove;
    const int nkp = section == 0 ? 1 : section == 2 ? 4 : 3;
    for (int k = 0; k < nkp; k++)
        kick(b, step_frame(s, base + kp[k]), kp[k] == 0 || kp[k] == 8 ? 0.75f : section == 2 ? 0.45f : 0.55f);
    if (section == 0 && chord == 3)
        kick(b, step_frame(s, base + 8), 0.7f);

    /* snare: backbeat, pickups and fills */
    if (section > 0) {
        /* softer against the variation's four-on-the-floor kicks */
        const float back = section == 2 ? 0.65f : 0.75f;
        snare(b, step_frame(s, base + 4), back);
        if (!last)
            snare(b, step_frame(s, base + 12), back);
        if (section == 3 && chord % 2 == 1)
            snare(b, step_frame(s, base + 10), 0.2f);
    }
    if (chord == 3 && (section == 0 || last))
        for (int k = 12; k < 16; k++)
            snare(b, step_frame(s, base + k), 0.3f + 0.13f * (float)(k - 12));

    /* hats */
    const float *hv = section == 0 ? hats_intro : section == 2 ? hats_lift : hats_groove;
    for (int k = 0; k < 16; k++)
        if (hv[k] > 0.0f)
            noise_hit(b, HAT, 0x4a7e0002u, step_frame(s, base + k), 0.65f * hv[k], &hat_env);
    if (section == 2)
        for (int k = 2; k < 16; k += 4)
            noise_hit(b, HAT, 0x4a7e0002u, step_frame(s, base + k), 0.22f, &open_hat_env);
    if (section != 0 && section != 2 && chord == 3)
        noise_hit(b, HAT, 0x4a7e0002u, step_frame(s, base + 14), 0.25f, &open_hat_env);

    /* crash at the section starts after the intro */
    if (chord == 0 && section > 0)
        noise_hit(b, CRASH, 0xc4a50003u, t0, section == 2 ? 0.3f : 0.4f, &crash_env);

    /* arpeggio in 8ths with ping-pong echoes a dotted 8th apart */
    if (section >= 2)
        for (int k = 0; k < 8; k++) {
            const int note = chord_notes[chord][arp_order[k]] + 12;
            const double side = k % 2 ? 0.5 : -0.5;
            for (int echo = 0; echo < 3; echo++)
                arp_note(b, step_frame(s, base + 2 * k + 3 * echo), note,
                         (echo == 0 ? 0.07f : echo == 1 ? 0.03f : 0.013f), echo % 2 ? -side : side);
        }
}

/* ---- buses -------------------------------------------------------------- */

static void design(biquad *f, wp_filter_type type, double hz, double q, double rate)
{
    /* Cutoffs are kept below Nyquist, so the design cannot fail; pass-through
     * keeps the output defined if it ever did. */
    if (wp_biquad_design(type, rate, hz, 0.0, q, &f->c) != WP_OK) {
        wp_biquad_coeffs unity = {1.0, 0.0, 0.0, 0.0, 0.0};
        f->c = unity;
    }
}

static void run_biquad(biquad *f, float *x, int n)
{
    const double b0 = f->c.b0, b1 = f->c.b1, b2 = f->c.b2, a1 = f->c.a1, a2 = f->c.a2;
    double z1 = f->z1, z2 = f->z2;
    for (int i = 0; i < n; i++) {
        double in = x[i], y = b0 * in + z1;
        z1 = b1 * in - a1 * y + z2;
        z2 = b2 * in - a2 * y;
        x[i] = (float)y;
    }
    f->z1 = wp_flush_denormal_d(z1);
    f->z2 = wp_flush_denormal_d(z2);
}

typedef struct chain {
    biquad st[MAX_STAGES];
    int stages;
} chain;

static void setup_chains(const song *s, chain *ch)
{
    const double r = s->rate, top = 0.45 * r;
    memset(ch, 0, sizeof(chain) * BUS_COUNT);
    ch[PAD_L].stages = ch[PAD_R].stages = 1; /* designed per sub-block */
    for (int k = ARP_L; k <= ARP_R; k++) {
        ch[k].stages = 1;
        design(&ch[k].st[0], WP_FILTER_LOW_PASS, fmin(2800.0, top), 0.8, r);
    }
    ch[BASS_SAW].stages = 1;
    design(&ch[BASS_SAW].st[0], WP_FILTER_LOW_PASS, 650.0, 0.7, r);
    ch[SNARE_NOISE].stages = 2;
    design(&ch[SNARE_NOISE].st[0], WP_FILTER_HIGH_PASS, fmin(1200.0, 0.3 * r), 0.7, r);
    design(&ch[SNARE_NOISE].st[1], WP_FILTER_LOW_PASS, fmin(9000.0, top), 0.7, r);
    ch[HAT].stages = 3;
    design(&ch[HAT].st[0], WP_FILTER_HIGH_PASS, fmin(7000.0, 0.3 * r), 0.54, r);
    design(&ch[HAT].st[1], WP_FILTER_HIGH_PASS, fmin(7000.0, 0.3 * r), 1.31, r);
    design(&ch[HAT].st[2], WP_FILTER_LOW_PASS, fmin(15000.0, top), 0.7, r);
    ch[CRASH].stages = 2;
    design(&ch[CRASH].st[0], WP_FILTER_HIGH_PASS, fmin(3500.0, 0.3 * r), 0.7, r);
    design(&ch[CRASH].st[1], WP_FILTER_LOW_PASS, fmin(13000.0, top), 0.7, r);
}

static int chain_idle(const chain *c)
{
    for (int k = 0; k < c->stages; k++)
        if (c->st[k].z1 != 0.0 || c->st[k].z2 != 0.0)
            return 0;
    return 1;
}

static inline float soft_peak(float x)
{
    const float a = fabsf(x);
    if (a <= KNEE)
        return x;
    return copysignf(KNEE + (CEILING - KNEE) * tanhf((a - KNEE) / (CEILING - KNEE)), x);
}

/* Renders frames [from, to) of grid block g (both inside it) to left/right. */
static void render_grid_block(const song *s, int64_t g, float *left, float *right, int64_t from, int64_t to)
{
    const int64_t start = g * s->grid;
    chain ch[BUS_COUNT];
    setup_chains(s, ch);
    block b;
    b.s = s;
    for (int64_t p = start - s->warm; p < to; p += SUB) {
        const int64_t end = p + SUB < s->length ? p + SUB : s->length;
        b.p = p;
        b.n = (int)(end - p);
        b.dry = end > from;
        memset(b.bus, 0, sizeof b.bus);
        memset(b.used, 0, sizeof b.used);
        /* Notes last under two bars (echoes included), so the bars from two
         * before this sub-block cover every note sounding in it; one more
         * bar each side absorbs the rounding of note starts. */
        const int64_t first_bar = (int64_t)floor((double)p / s->bar) - 2;
        const int64_t last_bar = (int64_t)floor((double)(end - 1) / s->bar) + 1;
        for (int64_t bar = first_bar; bar <= last_bar; bar++)
            play_bar(&b, bar);
        const double fc = pad_cutoff(s, p);
        for (int k = PAD_L; k <= PAD_R; k++)
            design(&ch[k].st[0], WP_FILTER_LOW_PASS, fc, 0.6, s->rate);
        for (int k = 0; k < DRY; k++)
            if (b.used[k] || !chain_idle(&ch[k]))
                for (int j = 0; j < ch[k].stages; j++)
                    run_biquad(&ch[k].st[j], b.bus[k], b.n);
        if (!b.dry)
            continue;
        float hat[2], crash[2];
        pan_gains(0.35, hat);
        pan_gains(-0.4, crash);
        const int lo = from > p ? (int)(from - p) : 0, hi = to < end ? (int)(to - p) : b.n;
        for (int i = lo; i < hi; i++) {
            const float mono = b.bus[DRY][i] + b.bus[BASS_SAW][i] + b.bus[SNARE_NOISE][i];
            left[p + i - from] = soft_peak(MASTER_GAIN * (mono + b.bus[PAD_L][i] + b.bus[ARP_L][i] + hat[0] * b.bus[HAT][i] +
                                                crash[0] * b.bus[CRASH][i]));
            right[p + i - from] = soft_peak(MASTER_GAIN * (mono + b.bus[PAD_R][i] + b.bus[ARP_R][i] +
                                                 hat[1] * b.bus[HAT][i] + crash[1] * b.bus[CRASH][i]));
        }
    }
}

/* ---- public ------------------------------------------------------------- */

const char *wp_demo_title(void) { return "Low Tide (wavepool demo, A minor, 120 BPM)"; }

size_t wp_demo_frames(double sample_rate)
{
    if (wp_check_range(sample_rate, WP_DSP_MIN_RATE, WP_DSP_MAX_RATE) != WP_OK)
        return 0;
    return (size_t)llround(TOTAL_STEPS * (sample_rate * 60.0 / WP_DEMO_BPM / 4.0));
}

static int64_t round_up_sub(double frames) { return ((int64_t)ceil(frames / SUB)) * SUB; }

wp_status wp_demo_render(double sample_rate, float *left, float *right, size_t begin, size_t frames)
{
    if (!left || !right)
        return WP_ERR_INVALID_ARGUMENT;
    const size_t total = wp_demo_frames(sample_rate);
    if (!total || begin > total || frames > total - begin)
        return WP_ERR_OUT_OF_RANGE;
    song s;
    s.rate = sample_rate;
    s.step = sample_rate * 60.0 / WP_DEMO_BPM / 4.0;
    s.bar = s.step * STEPS_PER_BAR;
    s.length = (int64_t)total;
    s.grid = round_up_sub(GRID_S * sample_rate);
    s.warm = round_up_sub(WARM_S * sample_rate);
    s.noise_gain = (float)sqrt(sample_rate / 48000.0);
    const int64_t end = (int64_t)(begin + frames);
    for (int64_t pos = (int64_t)begin; pos < end;) {
        const int64_t g = pos / s.grid;
        const int64_t stop = (g + 1) * s.grid < end ? (g + 1) * s.grid : end;
        render_grid_block(&s, g, left + (pos - (int64_t)begin), right + (pos - (int64_t)begin), pos, stop);
        pos = stop;
    }
    return WP_OK;
}
