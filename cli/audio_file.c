/* wavepool CLI: audio file I/O through libsndfile. */
#include "audio_file.h"

#include <errno.h>
#include <signal.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sndfile.h>

void wp_cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("wavepool: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* The temporary output being written, removed if a signal ends the run. */
static const char *volatile pending_tmp;

static void on_signal(int sig)
{
    const char *p = pending_tmp;
    if (p)
        unlink(p); /* async-signal-safe */
    signal(sig, SIG_DFL);
    raise(sig);
}

void wp_cli_install_signal_cleanup(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], on_signal);
}

void wp_cli_set_pending_tmp(const char *path)
{
    pending_tmp = path;
}

void wp_cli_fix_tmp_mode(int fd)
{
    /* mkstemp makes the file 0600; give the output the usual umask mode. */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0) {
        /* Not fatal: the file is still written, only its mode stays 0600. */
    }
}

const char *wp_audio_major_name(int sf_format)
{
    SF_FORMAT_INFO fi = {.format = sf_format & SF_FORMAT_TYPEMASK};
    if (sf_command(NULL, SFC_GET_FORMAT_INFO, &fi, sizeof fi) == 0 && fi.extension)
        return fi.name;
    return "unknown";
}

const char *wp_audio_subtype_name(int sf_format)
{
    switch (sf_format & SF_FORMAT_SUBMASK) {
    case SF_FORMAT_PCM_S8: return "PCM_S8 (8-bit signed)";
    case SF_FORMAT_PCM_U8: return "PCM_U8 (8-bit unsigned)";
    case SF_FORMAT_PCM_16: return "PCM_16 (16-bit)";
    case SF_FORMAT_PCM_24: return "PCM_24 (24-bit)";
    case SF_FORMAT_PCM_32: return "PCM_32 (32-bit)";
    case SF_FORMAT_FLOAT: return "FLOAT (32-bit float)";
    case SF_FORMAT_DOUBLE: return "DOUBLE (64-bit float)";
    case SF_FORMAT_VORBIS: return "VORBIS";
    case SF_FORMAT_OPUS: return "OPUS";
    case SF_FORMAT_ULAW: return "ULAW";
    case SF_FORMAT_ALAW: return "ALAW";
    default: return "other";
    }
}

/* Opens `path` for reading with one clear error line and an exit code. */
static int open_input(const char *path, SF_INFO *info, SNDFILE **out)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        wp_cli_error("cannot read '%s': %s", path, strerror(errno));
        return WP_EXIT_READ;
    }
    if (S_ISDIR(st.st_mode)) {
        wp_cli_error("cannot read '%s': is a directory", path);
        return WP_EXIT_READ;
    }
    memset(info, 0, sizeof *info);
    SNDFILE *sf = sf_open(path, SFM_READ, info);
    if (!sf) {
        int err = sf_error(NULL);
        int code = WP_EXIT_READ;
        const char *what = "unreadable or corrupt file";
        if (err == SF_ERR_UNRECOGNISED_FORMAT || err == SF_ERR_UNSUPPORTED_ENCODING) {
            code = WP_EXIT_FORMAT;
            what = "unsupported or unrecognised audio format";
        } else if (err == SF_ERR_SYSTEM) {
            what = "cannot open file";
        }
        wp_cli_error("%s: %s (%s)", path, what, sf_strerror(NULL));
        return code;
    }
    if (info->channels < 1 || info->samplerate < 1 || info->frames < 0) {
        sf_close(sf);
        wp_cli_error("%s: corrupt header (channels %d, rate %d)", path, info->channels, info->samplerate);
        return WP_EXIT_READ;
    }
    /* libsndfile shortens a WAV/AIFF whose data chunk runs past the end of
     * the file and only says so in its log: treat that as truncation. */
    char log[4096];
    sf_command(sf, SFC_GET_LOG_INFO, log, sizeof log);
    for (const char *p = strstr(log, "data"); p; p = strstr(p + 4, "data")) {
        const char *eol = strchr(p, '\n');
        const char *sb = strstr(p, "should be");
        if (sb && (!eol || sb < eol) && (p == log || p[-1] == '\n' || p[-1] == ' ')) {
            sf_close(sf);
            wp_cli_error("%s: truncated or corrupt file (data chunk longer than the file)", path);
            return WP_EXIT_READ;
        }
    }
    *out = sf;
    return WP_EXIT_OK;
}

int wp_audio_info(const char *path, int *sf_format, int *channels, int *rate, int64_t *frames)
{
    SF_INFO info;
    SNDFILE *sf;
    int rc = open_input(path, &info, &sf);
    if (rc)
        return rc;
    *sf_format = info.format;
    *channels = info.channels;
    *rate = info.samplerate;
    *frames = info.frames;
    sf_close(sf);
    return WP_EXIT_OK;
}

void wp_audio_free(wp_audio *audio)
{
    if (audio->channels) {
        for (int c = 0; c < audio->channel_count; c++)
            free(audio->channels[c]);
        free(audio->channels);
    }
    memset(audio, 0, sizeof *audio);
}

int wp_audio_alloc(wp_audio *audio, int channel_count, size_t frames, int rate, int sf_format)
{
    memset(audio, 0, sizeof *audio);
    if ((uint64_t)frames * (uint64_t)channel_count * sizeof(float) > WP_CLI_MAX_BYTES) {
        wp_cli_error("audio too large: %zu frames x %d channels exceeds the %llu GiB limit", frames, channel_count,
                     (unsigned long long)(WP_CLI_MAX_BYTES >> 30));
        return WP_EXIT_TOO_LARGE;
    }
    audio->channels = calloc((size_t)channel_count, sizeof *audio->channels);
    if (!audio->channels)
        goto oom;
    audio->channel_count = channel_count;
    for (int c = 0; c < channel_count; c++) {
        audio->channels[c] = calloc(frames ? frames : 1, sizeof(float));
        if (!audio->channels[c])
            goto oom;
    }
    audio->frames = frames;
    audio->sample_rate = rate;
    audio->sf_format = sf_format;
    return WP_EXIT_OK;
oom:
    wp_audio_free(audio);
    wp_cli_error("out of memory allocating %zu frames x %d channels", frames, channel_count);
    return WP_EXIT_TOO_LARGE;
}

int wp_audio_read(const char *path, wp_audio *out)
{
    SF_INFO info;
    SNDFILE *sf;
    memset(out, 0, sizeof *out);
    int rc = open_input(path, &info, &sf);
    if (rc)
        return rc;
    if (info.frames > WP_CLI_MAX_FRAMES) {
        sf_close(sf);
        wp_cli_error("%s: %lld frames is more than the limit of 2^31 frames", path, (long long)info.frames);
        return WP_EXIT_TOO_LARGE;
    }
    if (info.frames == 0) {
        sf_close(sf);
        wp_cli_error("%s: no audio (0 frames)", path);
        return WP_EXIT_READ;
    }
    rc = wp_audio_alloc(out, info.channels, (size_t)info.frames, info.samplerate, info.format);
    if (rc) {
        sf_close(sf);
        return rc;
    }
    enum { BLOCK = 8192 };
    float *buf = malloc((size_t)BLOCK * (size_t)info.channels * sizeof(float));
    if (!buf) {
        sf_close(sf);
        wp_audio_free(out);
        wp_cli_error("out of memory");
        return WP_EXIT_TOO_LARGE;
    }
    size_t done = 0;
    while (done < out->frames) {
        sf_count_t want = (sf_count_t)(out->frames - done < BLOCK ? out->frames - done : BLOCK);
        sf_count_t got = sf_readf_float(sf, buf, want);
        if (got <= 0)
            break;
        for (sf_count_t i = 0; i < got; i++)
            for (int c = 0; c < info.channels; c++)
                out->channels[c][done + (size_t)i] = buf[(size_t)i * (size_t)info.channels + (size_t)c];
        done += (size_t)got;
    }
    free(buf);
    int err = sf_error(sf);
    sf_close(sf);
    if (done < out->frames || err != SF_ERR_NO_ERROR) {
        wp_cli_error("%s: truncated or corrupt: read %zu of %zu frames", path, done, out->frames);
        wp_audio_free(out);
        return WP_EXIT_READ;
    }
    return WP_EXIT_OK;
}

int wp_audio_check_finite(const wp_audio *audio, const char *path)
{
    for (int c = 0; c < audio->channel_count; c++)
        for (size_t i = 0; i < audio->frames; i++)
            if (!isfinite(audio->channels[c][i])) {
                wp_cli_error("%s: sample %zu of channel %d is %s (bad audio data)", path, i, c + 1,
                             isnan(audio->channels[c][i]) ? "NaN" : "infinite");
                return WP_EXIT_BAD_AUDIO;
            }
    return WP_EXIT_OK;
}

int wp_audio_output_format(int in_format, const char *format_opt, const char *bits_opt, int *out_format)
{
    int major = in_format & SF_FORMAT_TYPEMASK;
    int sub = in_format & SF_FORMAT_SUBMASK;
    if (format_opt) {
        if (strcmp(format_opt, "wav") == 0)
            major = SF_FORMAT_WAV;
        else if (strcmp(format_opt, "flac") == 0)
            major = SF_FORMAT_FLAC;
        else if (strcmp(format_opt, "ogg") == 0)
            major = SF_FORMAT_OGG;
        else {
            wp_cli_error("--format '%s': expected wav, flac or ogg", format_opt);
            return WP_EXIT_USAGE;
        }
    }
    if (bits_opt) {
        if (strcmp(bits_opt, "16") == 0)
            sub = SF_FORMAT_PCM_16;
        else if (strcmp(bits_opt, "24") == 0)
            sub = SF_FORMAT_PCM_24;
        else if (strcmp(bits_opt, "32f") == 0)
            sub = SF_FORMAT_FLOAT;
        else {
            wp_cli_error("--bits '%s': expected 16, 24 or 32f", bits_opt);
            return WP_EXIT_USAGE;
        }
        if (major == SF_FORMAT_OGG) {
            wp_cli_error("--bits does not apply to Ogg Vorbis output");
            return WP_EXIT_USAGE;
        }
        if (major == SF_FORMAT_FLAC && sub == SF_FORMAT_FLOAT) {
            wp_cli_error("--bits 32f: FLAC stores integers only (use 16 or 24)");
            return WP_EXIT_USAGE;
        }
    } else if (major == SF_FORMAT_OGG) {
        sub = SF_FORMAT_VORBIS;
    } else if (major == SF_FORMAT_FLAC && (sub == SF_FORMAT_FLOAT || sub == SF_FORMAT_DOUBLE ||
                                           sub == SF_FORMAT_PCM_32 || sub == SF_FORMAT_VORBIS)) {
        sub = SF_FORMAT_PCM_24; /* FLAC's deepest integer format */
    } else if (sub == SF_FORMAT_VORBIS || sub == SF_FORMAT_OPUS) {
        sub = SF_FORMAT_PCM_24; /* lossy input to a lossless container */
    }
    SF_INFO probe = {.samplerate = 48000, .channels = 2, .format = major | sub};
    if (!sf_format_check(&probe)) {
        wp_cli_error("cannot write %s with sample format %s", wp_audio_major_name(major), wp_audio_subtype_name(sub));
        return WP_EXIT_FORMAT;
    }
    *out_format = major | sub;
    return WP_EXIT_OK;
}

int wp_audio_check_output(const char *path, const char *input, int force)
{
    struct stat out_st, in_st;
    if (stat(path, &out_st) != 0)
        return WP_EXIT_OK;
    if (input && stat(input, &in_st) == 0 && in_st.st_dev == out_st.st_dev && in_st.st_ino == out_st.st_ino) {
        wp_cli_error("output '%s' is the input file; refusing to overwrite it", path);
        return WP_EXIT_WRITE;
    }
    if (!force) {
        wp_cli_error("output '%s' exists (use --force to overwrite)", path);
        return WP_EXIT_WRITE;
    }
    return WP_EXIT_OK;
}

int wp_audio_write(const char *path, const wp_audio *audio)
{
    /* Temporary file in the output's directory, so rename() is atomic. */
    size_t len = strlen(path);
    char *tmp = malloc(len + 16);
    if (!tmp) {
        wp_cli_error("out of memory");
        return WP_EXIT_WRITE;
    }
    snprintf(tmp, len + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        wp_cli_error("cannot write '%s': %s", path, strerror(errno));
        free(tmp);
        return WP_EXIT_WRITE;
    }
    wp_cli_set_pending_tmp(tmp);
    wp_cli_fix_tmp_mode(fd);
    SF_INFO info = {.samplerate = audio->sample_rate, .channels = audio->channel_count, .format = audio->sf_format};
    SNDFILE *sf = sf_open_fd(fd, SFM_WRITE, &info, SF_TRUE);
    if (!sf) {
        close(fd);
        unlink(tmp);
        wp_cli_set_pending_tmp(NULL);
        wp_cli_error("cannot write '%s': %s", path, sf_strerror(NULL));
        free(tmp);
        return WP_EXIT_WRITE;
    }
    /* Clip out-of-range samples rather than let integer formats wrap. */
    sf_command(sf, SFC_SET_CLIPPING, NULL, SF_TRUE);
    if ((audio->sf_format & SF_FORMAT_SUBMASK) == SF_FORMAT_VORBIS) {
        double quality = 0.6;
        sf_command(sf, SFC_SET_VBR_ENCODING_QUALITY, &quality, sizeof quality);
    }
    enum { BLOCK = 8192 };
    int ch = audio->channel_count;
    float *buf = malloc((size_t)BLOCK * (size_t)ch * sizeof(float));
    int ok = buf != NULL;
    for (size_t done = 0; ok && done < audio->frames;) {
        size_t n = audio->frames - done < BLOCK ? audio->frames - done : BLOCK;
        for (size_t i = 0; i < n; i++)
            for (int c = 0; c < ch; c++)
                buf[i * (size_t)ch + (size_t)c] = audio->channels[c][done + i];
        ok = sf_writef_float(sf, buf, (sf_count_t)n) == (sf_count_t)n;
        done += n;
    }
    free(buf);
    char why[256];
    snprintf(why, sizeof why, "%s", ok ? "" : sf_strerror(sf));
    if (sf_close(sf) != 0 && ok) {
        ok = 0;
        snprintf(why, sizeof why, "close failed");
    }
    if (ok && rename(tmp, path) != 0) {
        ok = 0;
        snprintf(why, sizeof why, "%s", strerror(errno));
    }
    if (!ok) {
        unlink(tmp);
        wp_cli_error("cannot write '%s': %s", path, why[0] ? why : "write failed");
    }
    wp_cli_set_pending_tmp(NULL);
    free(tmp);
    return ok ? WP_EXIT_OK : WP_EXIT_WRITE;
}
