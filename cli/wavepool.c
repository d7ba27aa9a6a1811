/* wavepool: command-line front end to the offline jobs (info, analyze,
 * process, normalize, generate, spectrogram). Native only. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <sndfile.h>

#include "audio_file.h"
#include "png.h"
#include "wavepool/chain.h"
#include "wavepool/fft.h"
#include "wavepool/generator.h"
#include "wavepool/jobs.h"
#include "wavepool/normalize.h"
#include "wavepool/pool.h"

#ifndef WP_VERSION
#define WP_VERSION "unknown"
#endif

static const char exit_codes_help[] =
    "Exit codes:\n"
    "  0  success\n"
    "  2  usage error or bad option value\n"
    "  3  input missing, unreadable, corrupt or truncated\n"
    "  4  unsupported input format or layout (e.g. channel count)\n"
    "  5  output cannot be written, exists (without --force) or is the input\n"
    "  6  processing failed\n"
    "  7  input holds NaN or Inf samples\n"
    "  8  input too large: more than 2^31 frames, more than 16 GiB of decoded\n"
    "     32-bit samples, or memory allocation failed\n";

static const char common_help[] =
    "Common options:\n"
    "  -j, --jobs N   worker threads, 0..16; 0 runs on the calling thread.\n"
    "                 Default: the hardware concurrency (capped at 16).\n"
    "  -q, --quiet    no progress bar and no report (errors are still printed)\n"
    "  -h, --help     this help;  --version  print the version\n";

static const char output_help[] =
    "Output options:\n"
    "  -o, --output FILE    output file (required)\n"
    "  --format wav|flac|ogg  container (default: the input's)\n"
    "  --bits 16|24|32f     sample format (default: the input's; FLAC has no 32f)\n"
    "  --force              overwrite an existing output (never the input itself)\n"
    "The output is written to a temporary file in the same directory and\n"
    "renamed into place, so a failure never leaves a partial file.\n";

/* ---- option parsing ---------------------------------------------------- */

enum opt_kind { OPT_FLAG, OPT_VALUE, OPT_OPTIONAL };

typedef struct opt {
    const char *name; /* long name without "--" */
    char short_name;  /* 0 for none */
    enum opt_kind kind;
    const char *value; /* set when given; "" for flags and bare optionals */
} opt;

typedef struct cmd_line {
    opt *opts;
    size_t opt_count;
    const char *positional[4];
    int positional_count;
} cmd_line;

static opt *find_opt(cmd_line *cl, const char *name)
{
    for (size_t i = 0; i < cl->opt_count; i++)
        if (strcmp(cl->opts[i].name, name) == 0)
            return &cl->opts[i];
    return NULL;
}

static const char *get_opt(cmd_line *cl, const char *name)
{
    opt *o = find_opt(cl, name);
    return o ? o->value : NULL;
}

/* Returns -1 to continue, else an exit code (help/version: 0). */
static int parse_args(cmd_line *cl, int argc, char **argv, const char *help)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        opt *o = NULL;
        const char *inline_value = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(help, stdout);
            return WP_EXIT_OK;
        }
        if (strcmp(a, "--version") == 0) {
            printf("wavepool %s\n", WP_VERSION);
            return WP_EXIT_OK;
        }
        if (a[0] == '-' && a[1] == '-' && a[2]) {
            char name[64];
            const char *eq = strchr(a + 2, '=');
            size_t n = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
            if (n < sizeof name) {
                memcpy(name, a + 2, n);
                name[n] = 0;
                o = find_opt(cl, name);
            }
            inline_value = eq ? eq + 1 : NULL;
        } else if (a[0] == '-' && a[1] && a[2] == 0 && !(a[1] >= '0' && a[1] <= '9')) {
            for (size_t k = 0; k < cl->opt_count; k++)
                if (cl->opts[k].short_name == a[1])
                    o = &cl->opts[k];
        } else {
            if (cl->positional_count == (int)(sizeof cl->positional / sizeof cl->positional[0])) {
                wp_cli_error("unexpected argument '%s' (see --help)", a);
                return WP_EXIT_USAGE;
            }
            cl->positional[cl->positional_count++] = a;
            continue;
        }
        if (!o) {
            wp_cli_error("unknown option '%s' (see --help)", a);
            return WP_EXIT_USAGE;
        }
        switch (o->kind) {
        case OPT_FLAG:
            if (inline_value) {
                wp_cli_error("option '--%s' takes no value", o->name);
                return WP_EXIT_USAGE;
            }
            o->value = "";
            break;
        case OPT_VALUE:
            if (inline_value)
                o->value = inline_value;
            else if (i + 1 < argc)
                o->value = argv[++i];
            else {
                wp_cli_error("option '%s' needs a value", a);
                return WP_EXIT_USAGE;
            }
            break;
        case OPT_OPTIONAL:
            /* A separate value must look like key=value, so `--delay in.wav`
             * keeps in.wav positional. */
            if (inline_value)
                o->value = inline_value;
            else if (i + 1 < argc && argv[i + 1][0] != '-' && strchr(argv[i + 1], '='))
                o->value = argv[++i];
            else
                o->value = "";
            break;
        }
    }
    return -1;
}

static int parse_double(const char *s, const char *what, double *out)
{
    char *end = NULL;
    double v = strtod(s, &end);
    if (!s[0] || *end || !isfinite(v)) {
        wp_cli_error("%s '%s': not a number", what, s);
        return WP_EXIT_USAGE;
    }
    *out = v;
    return WP_EXIT_OK;
}

static int parse_long(const char *s, const char *what, long lo, long hi, long *out)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (!s[0] || *end) {
        wp_cli_error("%s '%s': not a whole number", what, s);
        return WP_EXIT_USAGE;
    }
    if (v < lo || v > hi) {
        wp_cli_error("%s %ld: out of range (%ld..%ld)", what, v, lo, hi);
        return WP_EXIT_USAGE;
    }
    *out = v;
    return WP_EXIT_OK;
}

#define COMMON_OPTS {"jobs", 'j', OPT_VALUE, NULL}, {"quiet", 'q', OPT_FLAG, NULL}
#define OUTPUT_OPTS                                                                                              \
    {"output", 'o', OPT_VALUE, NULL}, {"format", 0, OPT_VALUE, NULL}, {"bits", 0, OPT_VALUE, NULL},          \
        {"force", 0, OPT_FLAG, NULL}
#define CMD_LINE(opts) {opts, sizeof opts / sizeof opts[0], {0}, 0}

static int is_quiet(cmd_line *cl)
{
    return get_opt(cl, "quiet") != NULL;
}

/* ---- pool and jobs ----------------------------------------------------- */

static int make_pool(cmd_line *cl, wp_pool **out)
{
    long workers = wp_pool_default_workers() + 1; /* the hardware concurrency */
    if (workers > WP_POOL_MAX_WORKERS)
        workers = WP_POOL_MAX_WORKERS;
    const char *j = get_opt(cl, "jobs");
    if (j) {
        int rc = parse_long(j, "-j", 0, WP_POOL_MAX_WORKERS, &workers);
        if (rc)
            return rc;
    }
    wp_status st = wp_pool_create((int)workers, out);
    if (st != WP_OK) {
        wp_cli_error("cannot start %ld worker threads: %s", workers, wp_strerror(st));
        return WP_EXIT_PROCESS;
    }
    return WP_EXIT_OK;
}

static int status_exit(wp_status st, const char *what)
{
    switch (st) {
    case WP_OK:
        return WP_EXIT_OK;
    case WP_ERR_NOT_FINITE:
        wp_cli_error("%s: input holds NaN or Inf samples", what);
        return WP_EXIT_BAD_AUDIO;
    case WP_ERR_OUT_OF_MEMORY:
        wp_cli_error("%s: out of memory", what);
        return WP_EXIT_TOO_LARGE;
    default:
        wp_cli_error("%s failed: %s", what, wp_strerror(st));
        return WP_EXIT_PROCESS;
    }
}

/* Waits for a submitted job, drawing a progress bar on a terminal. */
static int finish_job(wp_job *job, const char *what, int quiet)
{
    wp_status st;
    if (!quiet && isatty(STDERR_FILENO)) {
        const struct timespec tick = {0, 100 * 1000 * 1000};
        while ((st = wp_job_poll(job)) == WP_PENDING) {
            float p = wp_job_progress(job);
            int filled = (int)(p * 40.0f + 0.5f);
            fprintf(stderr, "\r%-12s [", what);
            for (int k = 0; k < 40; k++)
                fputc(k < filled ? '#' : ' ', stderr);
            fprintf(stderr, "] %3d%%", (int)(p * 100.0f + 0.5f));
            fflush(stderr);
            nanosleep(&tick, NULL);
        }
        fprintf(stderr, "\r%*s\r", 60, "");
    } else {
        st = wp_job_wait(job);
    }
    wp_job_release(job);
    return status_exit(st, what);
}

static wp_track track_of(const wp_audio *a)
{
    wp_track t = {.channels = a->channels, .channel_count = a->channel_count, .frames = a->frames,
                  .sample_rate = (double)a->sample_rate};
    return t;
}

/* Reads an input for the job-based commands: finite samples, a rate and
 * channel count the engine takes. */
static int load_input(const char *path, int max_channels, wp_audio *a)
{
    int rc = wp_audio_read(path, a);
    if (rc)
        return rc;
    if (a->channel_count > max_channels || a->sample_rate < 8000 || a->sample_rate > 384000) {
        wp_cli_error("%s: %d channels at %d Hz not supported (1..%d channels, 8000..384000 Hz)", path,
                     a->channel_count, a->sample_rate, max_channels);
        wp_audio_free(a);
        return WP_EXIT_FORMAT;
    }
    rc = wp_audio_check_finite(a, path);
    if (rc)
        wp_audio_free(a);
    return rc;
}

static int need_one_input(cmd_line *cl, const char *cmd)
{
    if (cl->positional_count != 1) {
        wp_cli_error("%s needs exactly one input file (see wavepool %s --help)", cmd, cmd);
        return WP_EXIT_USAGE;
    }
    return WP_EXIT_OK;
}

static int need_output(cmd_line *cl, const char *cmd)
{
    if (!get_opt(cl, "output")) {
        wp_cli_error("%s needs an output file: -o FILE", cmd);
        return WP_EXIT_USAGE;
    }
    return WP_EXIT_OK;
}

/* ---- info -------------------------------------------------------------- */

static const char info_help[] =
    "Usage: wavepool info FILE\n"
    "Prints the container format, sample format (bit depth), channels, sample\n"
    "rate, duration and frame count of an audio file.\n\n";

static int cmd_info(int argc, char **argv)
{
    opt opts[] = {COMMON_OPTS};
    cmd_line cl = CMD_LINE(opts);
    char help[4096];
    snprintf(help, sizeof help, "%s%s\n%s", info_help, common_help, exit_codes_help);
    int rc = parse_args(&cl, argc, argv, help);
    if (rc >= 0)
        return rc;
    if ((rc = need_one_input(&cl, "info")))
        return rc;
    int format, channels, rate;
    int64_t frames;
    rc = wp_audio_info(cl.positional[0], &format, &channels, &rate, &frames);
    if (rc)
        return rc;
    printf("file:        %s\n", cl.positional[0]);
    printf("format:      %s\n", wp_audio_major_name(format));
    printf("subtype:     %s\n", wp_audio_subtype_name(format));
    printf("channels:    %d\n", channels);
    printf("sample rate: %d Hz\n", rate);
    printf("duration:    %.6f s\n", (double)frames / rate);
    printf("frames:      %lld\n", (long long)frames);
    return WP_EXIT_OK;
}

/* ---- analyze ----------------------------------------------------------- */

static const char analyze_help[] =
    "Usage: wavepool analyze FILE [--json]\n"
    "Measures integrated loudness (LUFS, ITU-R BS.1770-4), loudness range (LU,\n"
    "EBU Tech 3342), true peak (dBTP), sample peak (dBFS) and, per channel,\n"
    "RMS (dBFS, a full-scale sine reads -3.01) and DC (mean sample value).\n"
    "Results are the same for any -j.\n\n"
    "  --json   one JSON object: integrated_lufs, loudness_range_lu,\n"
    "           true_peak_dbtp, sample_peak_dbfs, rms_dbfs (array per channel),\n"
    "           dc, channel_sample_peak_dbfs, channel_true_peak_dbtp (arrays),\n"
    "           channels, sample_rate, duration_s. JSON has no -Infinity:\n"
    "           null stands for -inf (silence, or nothing above the gate).\n\n";

static void json_num(double v)
{
    if (isfinite(v))
        printf("%.6f", v);
    else
        printf("null");
}

static void text_num(const char *label, double v, const char *unit)
{
    if (isfinite(v))
        printf("%-18s %.2f %s\n", label, v, unit);
    else
        printf("%-18s -inf %s\n", label, unit);
}

static int cmd_analyze(int argc, char **argv)
{
    opt opts[] = {COMMON_OPTS, {"json", 0, OPT_FLAG, NULL}};
    cmd_line cl = CMD_LINE(opts);
    char help[4096];
    snprintf(help, sizeof help, "%s%s\n%s", analyze_help, common_help, exit_codes_help);
    int rc = parse_args(&cl, argc, argv, help);
    if (rc >= 0)
        return rc;
    if ((rc = need_one_input(&cl, "analyze")))
        return rc;
    wp_pool *pool = NULL;
    if ((rc = make_pool(&cl, &pool)))
        return rc;
    wp_audio a;
    rc = load_input(cl.positional[0], WP_JOBS_MAX_CHANNELS, &a);
    if (rc) {
        wp_pool_destroy(pool);
        return rc;
    }
    wp_track t = track_of(&a);
    wp_analysis r;
    memset(&r, 0, sizeof r);
    wp_job *job = NULL;
    wp_status st = wp_job_analyze(pool, &t, &r, &job);
    rc = st == WP_OK ? finish_job(job, "analyze", is_quiet(&cl)) : status_exit(st, "analyze");
    wp_pool_destroy(pool);
    wp_audio_free(&a);
    if (rc)
        return rc;
    if (get_opt(&cl, "json")) {
        printf("{\"file\": \"");
        for (const char *p = cl.positional[0]; *p; p++) {
            if (*p == '"' || *p == '\\')
                printf("\\%c", *p);
            else if ((unsigned char)*p < 0x20)
                printf("\\u%04x", *p);
            else
                putchar(*p);
        }
        printf("\", \"integrated_lufs\": ");
        json_num(r.integrated_lufs);
        printf(", \"loudness_range_lu\": ");
        json_num(r.loudness_range_lu);
        printf(", \"true_peak_dbtp\": ");
        json_num(r.true_peak_dbtp);
        printf(", \"sample_peak_dbfs\": ");
        json_num(r.sample_peak_dbfs);
        const char *names[] = {"rms_dbfs", "dc", "channel_sample_peak_dbfs", "channel_true_peak_dbtp"};
        const double *arrays[] = {r.rms_dbfs, r.dc, r.channel_sample_peak_dbfs, r.channel_true_peak_dbtp};
        for (int k = 0; k < 4; k++) {
            printf(", \"%s\": [", names[k]);
            for (int c = 0; c < r.channels; c++) {
                if (c)
                    printf(", ");
                if (k == 1)
                    printf("%.9g", arrays[k][c]);
                else
                    json_num(arrays[k][c]);
            }
            printf("]");
        }
        printf(", \"channels\": %d, \"sample_rate\": %.0f, \"duration_s\": %.6f}\n", r.channels, r.sample_rate,
               r.duration_s);
        return WP_EXIT_OK;
    }
    printf("%-18s %s\n", "file:", cl.positional[0]);
    printf("%-18s %d\n", "channels:", r.channels);
    printf("%-18s %.0f Hz\n", "sample rate:", r.sample_rate);
    printf("%-18s %.3f s\n", "duration:", r.duration_s);
    text_num("integrated:", r.integrated_lufs, "LUFS");
    text_num("loudness range:", r.loudness_range_lu, "LU");
    text_num("true peak:", r.true_peak_dbtp, "dBTP");
    text_num("sample peak:", r.sample_peak_dbfs, "dBFS");
    for (int c = 0; c < r.channels; c++) {
        char label[32];
        snprintf(label, sizeof label, "ch%d RMS:", c + 1);
        text_num(label, r.rms_dbfs[c], "dBFS");
        snprintf(label, sizeof label, "ch%d DC:", c + 1);
        printf("%-18s %.3g\n", label, r.dc[c]);
    }
    return WP_EXIT_OK;
}

/* ---- output helper ----------------------------------------------------- */

/* Validates -o, --format, --bits and --force before any work is done. */
static int prepare_output(cmd_line *cl, const char *cmd, const char *input, int in_format, int *out_format)
{
    int rc = need_output(cl, cmd);
    if (rc)
        return rc;
    rc = wp_audio_output_format(in_format, get_opt(cl, "format"), get_opt(cl, "bits"), out_format);
    if (rc)
        return rc;
    return wp_audio_check_output(get_opt(cl, "output"), input, get_opt(cl, "force") != NULL);
}

/* ---- process ----------------------------------------------------------- */

static const char process_help[] =
    "Usage: wavepool process IN -o OUT [effects] [options]\n"
    "Renders IN (mono or stereo) through the real-time chain:\n"
    "  EQ -> compressor -> distortion -> chorus -> delay -> reverb -> stereo\n"
    "  -> volume -> limiter\n"
    "Effect options take key=value pairs separated by commas; the keys are the\n"
    "chain's parameter names after the dot; giving the option switches the\n"
    "effect on (key on=0 switches it off). Values are checked against each\n"
    "parameter's range. Enumerations take a number or a name.\n"
    "  --eq \"FREQ:GAIN[:q=Q][:type=TYPE],...\"  up to 8 bands, in order, on the\n"
    "           chain's 8 EQ bands. TYPE: peaking (default) lowshelf highshelf\n"
    "           lowpass highpass bandpass notch allpass; Q defaults to 1.\n"
    "           Bands not given keep the chain's defaults (0 dB: no effect).\n"
    "           Example: --eq 100:3:type=lowshelf,8000:-2:q=0.7\n"
    "  --compressor [threshold=dB,ratio=R,knee=dB,attack=ms,release=ms,\n"
    "               makeup=dB,detection=peak|rms,mix=0..1]\n"
    "  --distortion [drive=dB,tone=-1..1,curve=soft|hard|asymmetric,output=dB,mix]\n"
    "  --chorus     [rate=Hz,depth=ms,delay=ms,voices=N,spread=0..1,mix]\n"
    "  --delay      [time=ms,feedback=0..0.95,highcut=Hz,pingpong=0..1,mix]\n"
    "  --reverb     [decay=s,damping=0..0.95,predelay=ms,width=0..1,mix]\n"
    "  --limiter    [ceiling=dBTP,release=ms,on=0|1]  (on by default at -1 dBTP)\n"
    "  --gain DB    output volume, -80..12 dB\n"
    "  --pan P      -1 (left) .. 1 (right)\n"
    "  --width PCT  stereo width, 0..200 %\n"
    "  --tail S     seconds of effect tail appended after the input (0..600).\n"
    "               Default: 0, or with reverb/delay on the time they need to\n"
    "               decay by 60 dB, at least 2 s, at most 60 s.\n"
    "  --list-params  print every chain parameter with its range and exit\n\n";

static int set_param(wp_chain *chain, const char *name, const char *value_text, const char *option)
{
    wp_chain_param p;
    if (wp_chain_param_from_name(name, &p) != WP_OK) {
        wp_cli_error("%s: unknown key '%s' (see wavepool process --list-params)", option, name);
        return WP_EXIT_USAGE;
    }
    const wp_chain_param_info *info = wp_chain_param_get_info(p);
    double v;
    char *end = NULL;
    v = strtod(value_text, &end);
    if (!value_text[0] || *end) {
        /* An enumeration's name stands for its index. */
        int found = 0;
        if (info->choices) {
            const char *c = info->choices;
            size_t len = strlen(value_text);
            for (int idx = 0; c && *c; idx++) {
                const char *bar = strchr(c, '|');
                size_t n = bar ? (size_t)(bar - c) : strlen(c);
                if (n == len && strncmp(c, value_text, n) == 0) {
                    v = idx;
                    found = 1;
                    break;
                }
                c = bar ? bar + 1 : NULL;
            }
        }
        if (!found) {
            if (info->choices)
                wp_cli_error("%s: %s=%s: expected a number or one of %s", option, name, value_text, info->choices);
            else
                wp_cli_error("%s: %s=%s: not a number", option, name, value_text);
            return WP_EXIT_USAGE;
        }
    }
    wp_status st = wp_chain_set(chain, p, v);
    if (st != WP_OK) {
        const char *kind = info->kind == WP_CHAIN_SWITCH ? " (0 or 1)"
                           : info->kind == WP_CHAIN_INTEGER ? " (whole numbers)"
                                                             : "";
        wp_cli_error("%s: %s=%s out of range: valid %g..%g %s%s", option, name, value_text, info->min, info->max,
                     info->unit, kind);
        return WP_EXIT_USAGE;
    }
    return WP_EXIT_OK;
}

/* "--reverb decay=2.5,mix=0.3": prefix.on=1, then each key. */
static int apply_effect(wp_chain *chain, const char *option, const char *prefix, const char *spec)
{
    char name[64];
    snprintf(name, sizeof name, "%s.on", prefix);
    int rc = set_param(chain, name, "1", option);
    if (rc)
        return rc;
    char *copy = strdup(spec);
    if (!copy) {
        wp_cli_error("out of memory");
        return WP_EXIT_TOO_LARGE;
    }
    for (char *save = NULL, *item = strtok_r(copy, ",", &save); item && !rc; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq) {
            wp_cli_error("%s: '%s' is not key=value", option, item);
            rc = WP_EXIT_USAGE;
            break;
        }
        *eq = 0;
        snprintf(name, sizeof name, "%s.%s", prefix, item);
        rc = set_param(chain, name, eq + 1, option);
    }
    free(copy);
    return rc;
}

static int apply_eq(wp_chain *chain, const char *spec)
{
    char *copy = strdup(spec);
    if (!copy) {
        wp_cli_error("out of memory");
        return WP_EXIT_TOO_LARGE;
    }
    int rc = set_param(chain, "eq.on", "1", "--eq");
    int band = 0;
    for (char *save = NULL, *item = strtok_r(copy, ",", &save); item && !rc; item = strtok_r(NULL, ",", &save)) {
        if (band == WP_CHAIN_EQ_BANDS) {
            wp_cli_error("--eq: more than %d bands", WP_CHAIN_EQ_BANDS);
            rc = WP_EXIT_USAGE;
            break;
        }
        /* A band given without type/q is a peaking filter with Q 1, not
         * whatever the chain's default for that band is (band 1 defaults to a
         * low shelf). */
        char name[32];
        snprintf(name, sizeof name, "eq.b%d.type", band + 1);
        rc = set_param(chain, name, "peaking", "--eq");
        snprintf(name, sizeof name, "eq.b%d.q", band + 1);
        if (!rc)
            rc = set_param(chain, name, "1", "--eq");
        int field = 0;
        for (char *save2 = NULL, *part = strtok_r(item, ":", &save2); part && !rc;
             part = strtok_r(NULL, ":", &save2), field++) {
            const char *key = field == 0 ? "freq" : field == 1 ? "gain" : NULL;
            const char *value = part;
            char *eq = strchr(part, '=');
            if (field >= 2) {
                if (!eq) {
                    wp_cli_error("--eq band %d: '%s' is not q=Q or type=TYPE", band + 1, part);
                    rc = WP_EXIT_USAGE;
                    break;
                }
                *eq = 0;
                key = part;
                value = eq + 1;
            }
            snprintf(name, sizeof name, "eq.b%d.%s", band + 1, key);
            rc = set_param(chain, name, value, "--eq");
        }
        if (!rc && field < 2) {
            wp_cli_error("--eq band %d: expected FREQ:GAIN", band + 1);
            rc = WP_EXIT_USAGE;
        }
        if (!rc) {
            snprintf(name, sizeof name, "eq.b%d.on", band + 1);
            rc = set_param(chain, name, "1", "--eq");
        }
        band++;
    }
    free(copy);
    return rc;
}

static void list_params(void)
{
    for (int p = 0; p < WP_CHAIN_PARAM_COUNT; p++) {
        const wp_chain_param_info *i = wp_chain_param_get_info((wp_chain_param)p);
        if (!i)
            continue;
        printf("%-18s %10g .. %-10g default %-8g %s%s%s\n", i->name, i->min, i->max, i->def, i->unit,
               i->choices ? " " : "", i->choices ? i->choices : "");
    }
}

/* Seconds for the reverb and delay tails to fall by 60 dB. */
static double default_tail(const wp_chain *chain)
{
    double tail = 0.0;
    if (wp_chain_get(chain, WP_CHAIN_REVERB_ON) >= 0.5)
        tail = wp_chain_get(chain, WP_CHAIN_REVERB_DECAY) + wp_chain_get(chain, WP_CHAIN_REVERB_PREDELAY) / 1000.0;
    if (wp_chain_get(chain, WP_CHAIN_DELAY_ON) >= 0.5) {
        double fb = wp_chain_get(chain, WP_CHAIN_DELAY_FEEDBACK);
        double repeats = fb > 0.0 ? log(1e-3) / log(fb) : 1.0;
        double d = (repeats + 1.0) * wp_chain_get(chain, WP_CHAIN_DELAY_TIME) / 1000.0;
        tail = d > tail ? d : tail;
    }
    if (tail > 0.0 && tail < 2.0)
        tail = 2.0;
    return tail > 60.0 ? 60.0 : tail;
}

static int cmd_process(int argc, char **argv)
{
    opt opts[] = {COMMON_OPTS,
                  OUTPUT_OPTS,
                  {"eq", 0, OPT_VALUE, NULL},
                  {"reverb", 0, OPT_OPTIONAL, NULL},
                  {"delay", 0, OPT_OPTIONAL, NULL},
                  {"chorus", 0, OPT_OPTIONAL, NULL},
                  {"distortion", 0, OPT_OPTIONAL, NULL},
                  {"compressor", 0, OPT_OPTIONAL, NULL},
                  {"limiter", 0, OPT_OPTIONAL, NULL},
                  {"gain", 0, OPT_VALUE, NULL},
                  {"pan", 0, OPT_VALUE, NULL},
                  {"width", 0, OPT_VALUE, NULL},
                  {"tail", 0, OPT_VALUE, NULL},
                  {"list-params", 0, OPT_FLAG, NULL}};
    cmd_line cl = CMD_LINE(opts);
    char help[8192];
    snprintf(help, sizeof help, "%s%s\n%s\n%s", process_help, output_help, common_help, exit_codes_help);
    int rc = parse_args(&cl, argc, argv, help);
    if (rc >= 0)
        return rc;
    if (get_opt(&cl, "list-params")) {
        list_params();
        return WP_EXIT_OK;
    }
    if ((rc = need_one_input(&cl, "process")) || (rc = need_output(&cl, "process")))
        return rc;
    const char *in = cl.positional[0];
    int in_format, in_channels, in_rate, out_format;
    int64_t in_frames;
    if ((rc = wp_audio_info(in, &in_format, &in_channels, &in_rate, &in_frames)))
        return rc;
    if ((rc = prepare_output(&cl, "process", in, in_format, &out_format)))
        return rc;
    if (in_channels > 2 || in_rate < 8000 || in_rate > 384000) {
        wp_cli_error("%s: process takes mono or stereo at 8000..384000 Hz (got %d channels at %d Hz)", in,
                     in_channels, in_rate);
        return WP_EXIT_FORMAT;
    }
    wp_chain *chain = NULL;
    if (wp_chain_create(in_rate, in_channels, &chain) != WP_OK) {
        wp_cli_error("cannot create the effect chain");
        return WP_EXIT_PROCESS;
    }
    static const struct {
        const char *option, *prefix;
    } effects[] = {{"compressor", "comp"}, {"distortion", "dist"}, {"chorus", "chorus"},
                   {"delay", "delay"},     {"reverb", "reverb"},   {"limiter", "limiter"}};
    const char *v;
    if ((v = get_opt(&cl, "eq")))
        rc = apply_eq(chain, v);
    for (size_t k = 0; !rc && k < sizeof effects / sizeof effects[0]; k++)
        if ((v = get_opt(&cl, effects[k].option))) {
            char option[32];
            snprintf(option, sizeof option, "--%s", effects[k].option);
            rc = apply_effect(chain, option, effects[k].prefix, v);
        }
    if (!rc && (v = get_opt(&cl, "gain")))
        rc = set_param(chain, "volume", v, "--gain");
    if (!rc && (v = get_opt(&cl, "pan")))
        rc = set_param(chain, "stereo.pan", v, "--pan");
    if (!rc && (v = get_opt(&cl, "width")))
        rc = set_param(chain, "stereo.width", v, "--width");
    double tail_s = default_tail(chain);
    if (!rc && (v = get_opt(&cl, "tail"))) {
        rc = parse_double(v, "--tail", &tail_s);
        if (!rc && (tail_s < 0.0 || tail_s > 600.0)) {
            wp_cli_error("--tail %s: out of range (0..600 s)", v);
            rc = WP_EXIT_USAGE;
        }
    }
    wp_pool *pool = NULL;
    if (!rc)
        rc = make_pool(&cl, &pool);
    wp_audio a = {0}, out = {0};
    if (!rc)
        rc = load_input(in, 2, &a);
    size_t tail = (size_t)llround(tail_s * in_rate);
    if (!rc && a.frames + tail > (size_t)WP_CLI_MAX_FRAMES) {
        wp_cli_error("%s: input plus tail exceeds 2^31 frames", in);
        rc = WP_EXIT_TOO_LARGE;
    }
    if (!rc)
        rc = wp_audio_alloc(&out, a.channel_count, a.frames + tail, a.sample_rate, out_format);
    if (!rc) {
        wp_track t = track_of(&a);
        wp_job *job = NULL;
        wp_status st = wp_job_render(pool, &t, chain, tail, out.channels, &job);
        rc = st == WP_OK ? finish_job(job, "process", is_quiet(&cl)) : status_exit(st, "process");
    }
    if (pool)
        wp_pool_destroy(pool);
    wp_chain_destroy(chain);
    wp_audio_free(&a);
    if (!rc)
        rc = wp_audio_write(get_opt(&cl, "output"), &out);
    if (!rc && !is_quiet(&cl))
        printf("wrote %s: %zu frames (%.3f s, tail %.3f s), %s %s\n", get_opt(&cl, "output"), out.frames,
               (double)out.frames / out.sample_rate, (double)tail / out.sample_rate, wp_audio_major_name(out_format),
               wp_audio_subtype_name(out_format));
    wp_audio_free(&out);
    return rc;
}

/* ---- normalize --------------------------------------------------------- */

static const char normalize_help[] =
    "Usage: wavepool normalize IN -o OUT (--lufs TARGET [--true-peak CEILING]\n"
    "                                      [--limit|--cap] | --peak DBFS | --rms DBFS)\n"
    "  --lufs TARGET      integrated loudness target, -70..0 LUFS\n"
    "  --peak DBFS        sample peak target, -80..0 dBFS\n"
    "  --rms DBFS         RMS target (all channels), -80..0 dBFS\n"
    "  --true-peak C      true-peak ceiling, -24..0 dBTP, or 'none'. Default:\n"
    "                     -1 dBTP with --lufs, none with --peak and --rms\n"
    "  --limit            over the ceiling: keep the gain and run the true-peak\n"
    "                     limiter (default)\n"
    "  --cap              over the ceiling: lower the gain instead\n"
    "  --max-gain DB      largest gain applied, 0..60 dB (default 40)\n"
    "Prints the level before and after, the gain, and whether the limiter ran\n"
    "or the gain was capped. Silence is copied unchanged.\n\n";

static int cmd_normalize(int argc, char **argv)
{
    opt opts[] = {COMMON_OPTS,
                  OUTPUT_OPTS,
                  {"lufs", 0, OPT_VALUE, NULL},
                  {"peak", 0, OPT_VALUE, NULL},
                  {"rms", 0, OPT_VALUE, NULL},
                  {"true-peak", 0, OPT_VALUE, NULL},
                  {"limit", 0, OPT_FLAG, NULL},
                  {"cap", 0, OPT_FLAG, NULL},
                  {"max-gain", 0, OPT_VALUE, NULL}};
    cmd_line cl = CMD_LINE(opts);
    char help[8192];
    snprintf(help, sizeof help, "%s%s\n%s\n%s", normalize_help, output_help, common_help, exit_codes_help);
    int rc = parse_args(&cl, argc, argv, help);
    if (rc >= 0)
        return rc;
    if ((rc = need_one_input(&cl, "normalize")) || (rc = need_output(&cl, "normalize")))
        return rc;
    wp_normalize_config cfg;
    wp_normalize_default_config(&cfg);
    const char *modes[] = {"peak", "rms", "lufs"};
    const char *units[] = {"dBFS", "dBFS", "LUFS"};
    int given = 0;
    for (int m = 0; m < 3; m++) {
        const char *v = get_opt(&cl, modes[m]);
        if (!v)
            continue;
        given++;
        cfg.mode = (wp_normalize_mode)m;
        char what[16];
        snprintf(what, sizeof what, "--%s", modes[m]);
        if ((rc = parse_double(v, what, &cfg.target)))
            return rc;
        double lo = m == 2 ? -70.0 : -80.0;
        if (cfg.target < lo || cfg.target > 0.0) {
            wp_cli_error("%s %s: out of range (%g..0 %s)", what, v, lo, units[m]);
            return WP_EXIT_USAGE;
        }
    }
    if (given != 1) {
        wp_cli_error("normalize needs exactly one of --lufs, --peak, --rms");
        return WP_EXIT_USAGE;
    }
    if (cfg.mode != WP_NORMALIZE_LOUDNESS)
        cfg.ceiling_dbtp = NAN;
    const char *v = get_opt(&cl, "true-peak");
    if (v && strcmp(v, "none") == 0) {
        cfg.ceiling_dbtp = NAN;
    } else if (v) {
        if ((rc = parse_double(v, "--true-peak", &cfg.ceiling_dbtp)))
            return rc;
        if (cfg.ceiling_dbtp < -24.0 || cfg.ceiling_dbtp > 0.0) {
            wp_cli_error("--true-peak %s: out of range (-24..0 dBTP, or none)", v);
            return WP_EXIT_USAGE;
        }
    }
    if (get_opt(&cl, "limit") && get_opt(&cl, "cap")) {
        wp_cli_error("--limit and --cap exclude each other");
        return WP_EXIT_USAGE;
    }
    cfg.policy = get_opt(&cl, "cap") ? WP_NORMALIZE_CAP : WP_NORMALIZE_LIMIT;
    if ((v = get_opt(&cl, "max-gain"))) {
        if ((rc = parse_double(v, "--max-gain", &cfg.max_gain_db)))
            return rc;
        if (cfg.max_gain_db < 0.0 || cfg.max_gain_db > 60.0) {
            wp_cli_error("--max-gain %s: out of range (0..60 dB)", v);
            return WP_EXIT_USAGE;
        }
    }
    const char *in = cl.positional[0];
    int in_format, in_channels, in_rate, out_format;
    int64_t in_frames;
    if ((rc = wp_audio_info(in, &in_format, &in_channels, &in_rate, &in_frames)))
        return rc;
    if ((rc = prepare_output(&cl, "normalize", in, in_format, &out_format)))
        return rc;
    wp_pool *pool = NULL;
    if ((rc = make_pool(&cl, &pool)))
        return rc;
    wp_audio a;
    rc = load_input(in, WP_JOBS_MAX_CHANNELS, &a);
    wp_normalize_report rep;
    memset(&rep, 0, sizeof rep);
    if (!rc) {
        wp_track t = track_of(&a);
        wp_job *job = NULL;
        wp_status st = wp_job_normalize(pool, &t, &cfg, &rep, &job);
        rc = st == WP_OK ? finish_job(job, "normalize", is_quiet(&cl)) : status_exit(st, "normalize");
    }
    wp_pool_destroy(pool);
    if (!rc) {
        a.sf_format = out_format;
        rc = wp_audio_write(get_opt(&cl, "output"), &a);
    }
    wp_audio_free(&a);
    if (!rc && !is_quiet(&cl)) {
        const char *u = units[cfg.mode];
        text_num("before:", rep.before, u);
        text_num("after:", rep.after, u);
        text_num("gain:", rep.gain_db, "dB");
        text_num("true peak before:", rep.true_peak_before, "dBTP");
        text_num("true peak after:", rep.true_peak_after, "dBTP");
        printf("%-18s %s\n", "limited:", rep.limited ? "yes" : "no");
        printf("%-18s %s\n", "capped:", rep.capped ? "yes" : "no");
        if (rep.silent)
            printf("%-18s yes (nothing to measure; copied unchanged)\n", "silent:");
    }
    return rc;
}

/* ---- generate ---------------------------------------------------------- */

static const char generate_help[] =
    "Usage: wavepool generate -o OUT --type TYPE [options]\n"
    "  --type T        sine square saw triangle white pink sweep impulse multitone\n"
    "  --freq HZ       frequency (sweeps: start) [1000; sweeps 20]; multitone: a\n"
    "                  list such as 100,1000,5000 (up to 32 tones)\n"
    "  --to HZ         sweep end frequency [20000, at most rate/2]\n"
    "  --log           logarithmic (exponential) sweep instead of linear\n"
    "  --dbfs LEVEL    peak level, RMS for white/pink noise, -120..6 [-20]\n"
    "  --duration S    seconds, > 0 [1]; a sweep spans the whole duration\n"
    "  --rate HZ       sample rate, 8000..384000 [48000]\n"
    "  --channels N    1..8 identical channels [1]\n"
    "  --seed N        noise seed [1]\n"
    "Output format: --format, or the extension of OUT (.flac, .ogg, else WAV);\n"
    "--bits defaults to 24 (FLOAT is --bits 32f).\n\n";

static int cmd_generate(int argc, char **argv)
{
    opt opts[] = {COMMON_OPTS,
                  OUTPUT_OPTS,
                  {"type", 0, OPT_VALUE, NULL},
                  {"freq", 0, OPT_VALUE, NULL},
                  {"to", 0, OPT_VALUE, NULL},
                  {"log", 0, OPT_FLAG, NULL},
                  {"dbfs", 0, OPT_VALUE, NULL},
                  {"duration", 0, OPT_VALUE, NULL},
                  {"rate", 0, OPT_VALUE, NULL},
                  {"channels", 0, OPT_VALUE, NULL},
                  {"seed", 0, OPT_VALUE, NULL}};
    cmd_line cl = CMD_LINE(opts);
    char help[8192];
    snprintf(help, sizeof help, "%s%s\n%s\n%s", generate_help, output_help, common_help, exit_codes_help);
    int rc = parse_args(&cl, argc, argv, help);
    if (rc >= 0)
        return rc;
    if (cl.positional_count) {
        wp_cli_error("generate takes no input file ('%s')", cl.positional[0]);
        return WP_EXIT_USAGE;
    }
    const char *type_name = get_opt(&cl, "type");
    if (!type_name) {
        wp_cli_error("generate needs --type (see wavepool generate --help)");
        return WP_EXIT_USAGE;
    }
    wp_gen_type type;
    if (wp_gen_type_from_name(type_name, &type) != WP_OK) {
        wp_cli_error("--type '%s': expected sine, square, saw, triangle, white, pink, sweep, impulse or multitone",
                     type_name);
        return WP_EXIT_USAGE;
    }
    if (type == WP_GEN_SWEEP && get_opt(&cl, "log"))
        type = WP_GEN_LOGSWEEP;
    wp_gen_config cfg;
    if (wp_gen_default_config(type, &cfg) != WP_OK)
        return WP_EXIT_PROCESS;
    double duration = 1.0, rate = 48000.0;
    long channels = 1;
    const char *v;
    if ((v = get_opt(&cl, "duration")) && (rc = parse_double(v, "--duration", &duration)))
        return rc;
    if (duration <= 0.0) {
        wp_cli_error("--duration %s: must be > 0 s", v);
        return WP_EXIT_USAGE;
    }
    if ((v = get_opt(&cl, "rate")) && (rc = parse_double(v, "--rate", &rate)))
        return rc;
    if (rate < 8000.0 || rate > 384000.0 || rate != floor(rate)) {
        wp_cli_error("--rate %s: expected a whole number of Hz in 8000..384000", v);
        return WP_EXIT_USAGE;
    }
    if ((v = get_opt(&cl, "channels")) && (rc = parse_long(v, "--channels", 1, WP_JOBS_MAX_CHANNELS, &channels)))
        return rc;
    if ((v = get_opt(&cl, "seed"))) {
        char *end = NULL;
        unsigned long long seed = strtoull(v, &end, 10);
        if (!v[0] || *end || v[0] == '-') {
            wp_cli_error("--seed '%s': not a non-negative whole number", v);
            return WP_EXIT_USAGE;
        }
        cfg.seed = seed;
    }
    if ((v = get_opt(&cl, "dbfs")) && (rc = parse_double(v, "--dbfs", &cfg.level_dbfs)))
        return rc;
    if ((v = get_opt(&cl, "freq"))) {
        if (type == WP_GEN_MULTITONE) {
            char *copy = strdup(v);
            if (!copy) {
                wp_cli_error("out of memory");
                return WP_EXIT_TOO_LARGE;
            }
            cfg.tone_count = 0;
            for (char *save = NULL, *t = strtok_r(copy, ",", &save); t && !rc; t = strtok_r(NULL, ",", &save)) {
                if (cfg.tone_count == WP_GEN_MAX_TONES) {
                    wp_cli_error("--freq: more than %d tones", WP_GEN_MAX_TONES);
                    rc = WP_EXIT_USAGE;
                    break;
                }
                rc = parse_double(t, "--freq", &cfg.tones_hz[cfg.tone_count++]);
            }
            free(copy);
            if (rc)
                return rc;
        } else if ((rc = parse_double(v, "--freq", &cfg.freq_hz))) {
            return rc;
        }
    }
    if ((v = get_opt(&cl, "to")) && (rc = parse_double(v, "--to", &cfg.freq_end_hz)))
        return rc;
    if (type == WP_GEN_SWEEP || type == WP_GEN_LOGSWEEP) {
        cfg.sweep_duration_s = duration;
        if (!get_opt(&cl, "to") && cfg.freq_end_hz > rate / 2.0)
            cfg.freq_end_hz = rate / 2.0;
    }
    if (duration * rate > (double)WP_CLI_MAX_FRAMES) {
        wp_cli_error("--duration %g s at %g Hz: more than 2^31 frames", duration, rate);
        return WP_EXIT_TOO_LARGE;
    }
    size_t frames = (size_t)llround(duration * rate);
    if (frames == 0)
        frames = 1;
    /* Container from --format or the extension; 24-bit unless --bits. */
    const char *out_path = get_opt(&cl, "output");
    if ((rc = need_output(&cl, "generate")))
        return rc;
    const char *ext = strrchr(out_path, '.');
    int base = SF_FORMAT_WAV | SF_FORMAT_PCM_24;
    if (ext && strcasecmp(ext, ".flac") == 0)
        base = SF_FORMAT_FLAC | SF_FORMAT_PCM_24;
    else if (ext && (strcasecmp(ext, ".ogg") == 0 || strcasecmp(ext, ".oga") == 0))
        base = SF_FORMAT_OGG | SF_FORMAT_VORBIS;
    int out_format;
    if ((rc = prepare_output(&cl, "generate", NULL, base, &out_format)))
        return rc;
    wp_gen *gen = NULL;
    wp_status st = wp_gen_create(&cfg, rate, &gen);
    if (st == WP_ERR_OUT_OF_RANGE || st == WP_ERR_INVALID_ARGUMENT) {
        wp_cli_error("generate %s: a value is out of range or invalid: --freq 0.01..rate/2 (%g Hz), --to "
                     "0.01..rate/2, --dbfs -120..6, multitone: 1..32 distinct tones",
                     type_name, rate / 2.0);
        return WP_EXIT_USAGE;
    }
    if (st != WP_OK)
        return status_exit(st, "generate");
    wp_audio a;
    rc = wp_audio_alloc(&a, (int)channels, frames, (int)rate, out_format);
    if (!rc) {
        st = wp_gen_render(gen, a.channels[0], frames);
        if (st != WP_OK)
            rc = status_exit(st, "generate");
        for (int c = 1; c < a.channel_count && !rc; c++)
            memcpy(a.channels[c], a.channels[0], frames * sizeof(float));
    }
    wp_gen_destroy(gen);
    if (!rc)
        rc = wp_audio_write(out_path, &a);
    if (!rc && !is_quiet(&cl))
        printf("wrote %s: %s, %zu frames at %.0f Hz, %ld channel(s), %s %s\n", out_path, wp_gen_type_name(type),
               frames, rate, channels, wp_audio_major_name(out_format), wp_audio_subtype_name(out_format));
    wp_audio_free(&a);
    return rc;
}

/* ---- spectrogram ------------------------------------------------------- */

static const char spectrogram_help[] =
    "Usage: wavepool spectrogram IN -o OUT.png [options]\n"
    "Draws a PNG of the short-time spectrum (channels averaged in power) with a\n"
    "logarithmic frequency axis from 20 Hz to Nyquist and a time axis in\n"
    "seconds; colour from dark (-DB-RANGE dB) to bright (0 dB = full-scale sine).\n"
    "  --size N        FFT size, a size the FFT accepts (e.g. 256..65536) [2048]\n"
    "  --hop N         frames between FFT frames, 1..size [size/4, raised so a\n"
    "                  long file has at most 4 FFT frames per pixel column]\n"
    "  --window NAME   rectangular hann hamming blackman blackman-harris\n"
    "                  flat-top [hann]\n"
    "  --db-range DB   dynamic range shown, 20..300 [100]\n"
    "  --width PX      image width, 200..8192 [1200]\n"
    "  --height PX     image height, 150..8192 [600]\n"
    "  --force         overwrite an existing OUT.png\n\n";

typedef struct plot {
    wp_image img;
    int x0, y0, w, h; /* plot area */
} plot;

static void put_px(wp_image *img, int x, int y, const uint8_t rgb[3])
{
    if (x >= 0 && y >= 0 && x < img->width && y < img->height)
        memcpy(img->rgb + ((size_t)y * (size_t)img->width + (size_t)x) * 3, rgb, 3);
}

/* A dark-to-bright map (black, violet, red, orange, pale yellow) with
 * brightness rising monotonically, so it also reads in grey. */
static void colour_map(double t, uint8_t rgb[3])
{
    static const double stops[][4] = {{0.00, 0, 0, 4},       {0.25, 70, 12, 110}, {0.50, 185, 50, 85},
                                      {0.75, 250, 145, 30}, {1.00, 252, 252, 170}};
    t = t < 0.0 ? 0.0 : t > 1.0 ? 1.0 : t;
    int k = 0;
    while (k < 3 && t > stops[k + 1][0])
        k++;
    double u = (t - stops[k][0]) / (stops[k + 1][0] - stops[k][0]);
    for (int c = 0; c < 3; c++)
        rgb[c] = (uint8_t)lround(stops[k][c + 1] + u * (stops[k + 1][c + 1] - stops[k][c + 1]));
}

/* 1, 2 or 5 times a power of ten, at least `raw`. */
static double nice_step(double raw)
{
    double p = pow(10.0, floor(log10(raw)));
    for (int k = 0; k < 3; k++) {
        double m = (double[]){1.0, 2.0, 5.0}[k] * p;
        if (m >= raw)
            return m;
    }
    return 10.0 * p;
}

static void draw_spectrogram(plot *pl, const float *spec, size_t frames, size_t bins, double rate, double duration,
                             double db_range)
{
    const double fmin = 20.0, fmax = rate / 2.0;
    const double bin_hz = rate / (double)((bins - 1) * 2);
    const double lr = log(fmax / fmin);
    for (int x = 0; x < pl->w; x++) {
        size_t f0 = (size_t)((double)x * (double)frames / pl->w);
        size_t f1 = (size_t)((double)(x + 1) * (double)frames / pl->w);
        if (f1 <= f0)
            f1 = f0 + 1;
        if (f1 > frames)
            f1 = frames;
        for (int y = 0; y < pl->h; y++) {
            /* Row y (0 = top) spans [lo, hi) Hz on the log axis. */
            double hi = fmin * exp(lr * (double)(pl->h - y) / pl->h);
            double lo = fmin * exp(lr * (double)(pl->h - y - 1) / pl->h);
            double blo = lo / bin_hz, bhi = hi / bin_hz;
            double best = -db_range;
            for (size_t f = f0; f < f1; f++) {
                const float *row = spec + f * bins;
                double v;
                if (bhi - blo < 1.0) {
                    /* Narrower than a bin: interpolate at the row's centre. */
                    double b = sqrt(lo * hi) / bin_hz;
                    size_t i = (size_t)b;
                    if (i >= bins - 1)
                        v = row[bins - 1];
                    else
                        v = row[i] + (b - (double)i) * (row[i + 1] - row[i]);
                } else {
                    size_t i0 = (size_t)ceil(blo), i1 = (size_t)floor(bhi);
                    if (i1 >= bins)
                        i1 = bins - 1;
                    v = -db_range;
                    for (size_t i = i0; i <= i1; i++)
                        v = row[i] > v ? row[i] : v;
                }
                best = v > best ? v : best;
            }
            uint8_t rgb[3];
            colour_map((best + db_range) / db_range, rgb);
            put_px(&pl->img, pl->x0 + x, pl->y0 + y, rgb);
        }
    }
    const uint8_t axis[3] = {200, 200, 200}, text[3] = {235, 235, 235};
    int scale = pl->h >= 300 ? 2 : 1;
    int th = WP_FONT_H * scale;
    for (int y = pl->y0 - 1; y <= pl->y0 + pl->h; y++) {
        put_px(&pl->img, pl->x0 - 1, y, axis);
        put_px(&pl->img, pl->x0 + pl->w, y, axis);
    }
    for (int x = pl->x0 - 1; x <= pl->x0 + pl->w; x++) {
        put_px(&pl->img, x, pl->y0 - 1, axis);
        put_px(&pl->img, x, pl->y0 + pl->h, axis);
    }
    /* Frequency ticks. */
    static const struct {
        double hz;
        const char *label;
    } fticks[] = {{20, "20"},    {50, "50"},   {100, "100"}, {200, "200"}, {500, "500"},
                  {1000, "1k"},  {2000, "2k"}, {5000, "5k"}, {10000, "10k"}, {20000, "20k"},
                  {50000, "50k"}, {100000, "100k"}};
    for (size_t k = 0; k < sizeof fticks / sizeof fticks[0]; k++) {
        if (fticks[k].hz > fmax * 1.0001)
            break;
        int y = pl->y0 + pl->h - (int)lround(log(fticks[k].hz / fmin) / lr * pl->h);
        if (y >= pl->y0 + pl->h)
            y = pl->y0 + pl->h - 1;
        for (int d = 1; d <= 5; d++)
            put_px(&pl->img, pl->x0 - 1 - d, y, axis);
        int tw = wp_font_text_width(fticks[k].label, scale);
        int ty = y - th / 2;
        if (ty < pl->y0 - 1)
            ty = pl->y0 - 1;
        wp_font_draw(&pl->img, pl->x0 - 9 - tw, ty, scale, fticks[k].label, text);
    }
    wp_font_draw(&pl->img, pl->x0 - 9 - wp_font_text_width("Hz", scale), pl->y0 - th - 6, scale, "Hz", text);
    /* Time ticks: a 1-2-5 step leaving room for the labels. */
    int label_px = wp_font_text_width("00.00", scale) + 16 * scale;
    int max_ticks = pl->w / label_px;
    double step = nice_step(duration / (max_ticks > 1 ? max_ticks : 1));
    int decimals = step >= 1.0 ? 0 : (int)ceil(-log10(step) - 1e-9);
    for (int k = 0;; k++) {
        double t = k * step;
        if (t > duration * (1.0 + 1e-9))
            break;
        int x = pl->x0 + (int)lround(t / duration * pl->w);
        if (x > pl->x0 + pl->w - 1)
            x = pl->x0 + pl->w - 1;
        for (int d = 1; d <= 5; d++)
            put_px(&pl->img, x, pl->y0 + pl->h + d, axis);
        char label[32];
        snprintf(label, sizeof label, "%.*f", decimals, t);
        int tw = wp_font_text_width(label, scale);
        wp_font_draw(&pl->img, x - tw / 2, pl->y0 + pl->h + 9, scale, label, text);
    }
    wp_font_draw(&pl->img, pl->x0 + pl->w + wp_font_text_width("000.0", scale) / 2 + 8, pl->y0 + pl->h + 9, scale,
                 "s", text);
}

static int cmd_spectrogram(int argc, char **argv)
{
    opt opts[] = {COMMON_OPTS,
                  {"output", 'o', OPT_VALUE, NULL},
                  {"force", 0, OPT_FLAG, NULL},
                  {"size", 0, OPT_VALUE, NULL},
                  {"hop", 0, OPT_VALUE, NULL},
                  {"window", 0, OPT_VALUE, NULL},
                  {"db-range", 0, OPT_VALUE, NULL},
                  {"width", 0, OPT_VALUE, NULL},
                  {"height", 0, OPT_VALUE, NULL}};
    cmd_line cl = CMD_LINE(opts);
    char help[8192];
    snprintf(help, sizeof help, "%s%s\n%s", spectrogram_help, common_help, exit_codes_help);
    int rc = parse_args(&cl, argc, argv, help);
    if (rc >= 0)
        return rc;
    if ((rc = need_one_input(&cl, "spectrogram")) || (rc = need_output(&cl, "spectrogram")))
        return rc;
    long size = 2048, hop = 0, width = 1200, height = 600;
    double db_range = 100.0;
    wp_window window = WP_WINDOW_HANN;
    const char *v;
    if ((v = get_opt(&cl, "size")) && (rc = parse_long(v, "--size", 16, 1L << 20, &size)))
        return rc;
    if ((v = get_opt(&cl, "hop")) && (rc = parse_long(v, "--hop", 1, size, &hop)))
        return rc;
    if ((v = get_opt(&cl, "width")) && (rc = parse_long(v, "--width", 200, 8192, &width)))
        return rc;
    if ((v = get_opt(&cl, "height")) && (rc = parse_long(v, "--height", 150, 8192, &height)))
        return rc;
    if ((v = get_opt(&cl, "db-range"))) {
        if ((rc = parse_double(v, "--db-range", &db_range)))
            return rc;
        if (db_range < 20.0 || db_range > 300.0) {
            wp_cli_error("--db-range %s: out of range (20..300 dB)", v);
            return WP_EXIT_USAGE;
        }
    }
    if ((v = get_opt(&cl, "window")) && wp_window_from_name(v, &window) != WP_OK) {
        wp_cli_error("--window '%s': expected one of rectangular, hann, hamming, blackman, blackman-harris, "
                     "flat-top",
                     v);
        return WP_EXIT_USAGE;
    }
    const char *out_path = get_opt(&cl, "output");
    if ((rc = wp_audio_check_output(out_path, cl.positional[0], get_opt(&cl, "force") != NULL)))
        return rc;
    int scale = height >= 300 + 60 ? 2 : 1;
    plot pl;
    pl.x0 = wp_font_text_width("100k", scale) + 14;
    pl.y0 = WP_FONT_H * scale + 14;
    /* Right: half a time label and the unit; bottom: ticks and labels. */
    pl.w = (int)width - pl.x0 - wp_font_text_width("000.0", scale) / 2 - wp_font_text_width("s", scale) - 16;
    pl.h = (int)height - pl.y0 - WP_FONT_H * scale - 20;
    wp_pool *pool = NULL;
    if ((rc = make_pool(&cl, &pool)))
        return rc;
    wp_audio a;
    if ((rc = load_input(cl.positional[0], WP_JOBS_MAX_CHANNELS, &a))) {
        wp_pool_destroy(pool);
        return rc;
    }
    if (hop == 0) {
        hop = size / 4;
        long min_hop = (long)(a.frames / ((size_t)pl.w * 4) + 1);
        hop = hop < min_hop ? (min_hop < size ? min_hop : size) : hop;
    }
    wp_spectrogram_params sp = {.fft_size = (size_t)size, .hop = (size_t)hop, .window = window, .db_range = db_range};
    size_t frames = wp_spectrogram_frames(a.frames, sp.fft_size, sp.hop);
    size_t bins = sp.fft_size / 2 + 1;
    float *spec = NULL;
    if (frames > SIZE_MAX / bins / sizeof(float) || !(spec = malloc(frames * bins * sizeof(float)))) {
        wp_cli_error("spectrogram: out of memory (%zu x %zu values; raise --hop)", frames, bins);
        rc = WP_EXIT_TOO_LARGE;
    }
    if (!rc) {
        wp_track t = track_of(&a);
        wp_job *job = NULL;
        wp_status st = wp_job_spectrogram(pool, &t, &sp, spec, frames * bins, &job);
        if (st == WP_ERR_UNSUPPORTED_SIZE || st == WP_ERR_OUT_OF_RANGE || st == WP_ERR_INVALID_ARGUMENT) {
            wp_cli_error("--size %ld / --hop %ld not accepted by the FFT (%s)", size, hop, wp_strerror(st));
            rc = WP_EXIT_USAGE;
        } else {
            rc = st == WP_OK ? finish_job(job, "spectrogram", is_quiet(&cl)) : status_exit(st, "spectrogram");
        }
    }
    wp_pool_destroy(pool);
    if (!rc) {
        pl.img.width = (int)width;
        pl.img.height = (int)height;
        pl.img.rgb = malloc((size_t)width * (size_t)height * 3);
        if (!pl.img.rgb) {
            wp_cli_error("out of memory");
            rc = WP_EXIT_TOO_LARGE;
        } else {
            memset(pl.img.rgb, 24, (size_t)width * (size_t)height * 3);
            draw_spectrogram(&pl, spec, frames, bins, a.sample_rate, (double)a.frames / a.sample_rate, db_range);
            rc = wp_png_write(out_path, &pl.img);
            free(pl.img.rgb);
        }
    }
    if (!rc && !is_quiet(&cl))
        printf("wrote %s: %ldx%ld, %zu FFT frames of %ld (hop %ld)\n", out_path, width, height, frames, size, hop);
    free(spec);
    wp_audio_free(&a);
    return rc;
}

/* ---- main -------------------------------------------------------------- */

static const char main_help[] =
    "Usage: wavepool COMMAND [options]\n"
    "Commands:\n"
    "  info FILE                    format, bit depth, channels, rate, duration\n"
    "  analyze FILE [--json]        loudness, loudness range, peaks, RMS, DC\n"
    "  process IN -o OUT [effects]  render through EQ and effects\n"
    "  normalize IN -o OUT MODE     loudness, peak or RMS normalization\n"
    "  generate -o OUT --type T     test signals\n"
    "  spectrogram IN -o OUT.png    spectrogram image\n"
    "`wavepool COMMAND --help` lists each command's options.\n\n";

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } cmds[] = {{"info", cmd_info},         {"analyze", cmd_analyze},   {"process", cmd_process},
                {"normalize", cmd_normalize}, {"generate", cmd_generate}, {"spectrogram", cmd_spectrogram}};
    wp_cli_install_signal_cleanup();
    if (argc < 2) {
        fputs(main_help, stderr);
        return WP_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        printf("%s%s\n%s", main_help, common_help, exit_codes_help);
        return WP_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("wavepool %s\n", WP_VERSION);
        return WP_EXIT_OK;
    }
    for (size_t k = 0; k < sizeof cmds / sizeof cmds[0]; k++)
        if (strcmp(argv[1], cmds[k].name) == 0)
            return cmds[k].fn(argc - 2, argv + 2);
    wp_cli_error("unknown command '%s' (see wavepool --help)", argv[1]);
    return WP_EXIT_USAGE;
}
