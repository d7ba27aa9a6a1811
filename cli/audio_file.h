/* wavepool CLI: reading and writing audio files (libsndfile), planar float. */
#ifndef WP_CLI_AUDIO_FILE_H
#define WP_CLI_AUDIO_FILE_H

#include <stddef.h>
#include <stdint.h>

/* Exit codes shared by every subcommand (documented in --help and the man page). */
enum {
    WP_EXIT_OK = 0,
    WP_EXIT_USAGE = 2,       /* bad command line or option value */
    WP_EXIT_READ = 3,        /* input missing, unreadable, corrupt or truncated */
    WP_EXIT_FORMAT = 4,      /* input format or layout not supported */
    WP_EXIT_WRITE = 5,       /* output cannot be written (or exists without --force) */
    WP_EXIT_PROCESS = 6,     /* processing failed */
    WP_EXIT_BAD_AUDIO = 7,   /* input holds NaN or Inf samples */
    WP_EXIT_TOO_LARGE = 8    /* input too large for memory (see WP_CLI_MAX_FRAMES) */
};

/* Largest track the CLI loads: 2^31 frames (12.4 h at 48 kHz), and at most
 * WP_CLI_MAX_BYTES of decoded float samples over all channels. */
#define WP_CLI_MAX_FRAMES ((int64_t)1 << 31)
#define WP_CLI_MAX_BYTES ((uint64_t)16 << 30)

typedef struct wp_audio {
    float **channels; /* planar, channel_count pointers */
    int channel_count;
    size_t frames;
    int sample_rate;
    int sf_format;    /* libsndfile SF_FORMAT_* (major | subtype) */
} wp_audio;

/* Prints "wavepool: error: ..." and returns an exit code on failure. */
int wp_audio_info(const char *path, int *sf_format, int *channels, int *rate, int64_t *frames);
int wp_audio_read(const char *path, wp_audio *out);
/* Frees the samples; safe on a zeroed struct. */
void wp_audio_free(wp_audio *audio);
/* Allocates channel_count x frames zeroed samples. */
int wp_audio_alloc(wp_audio *audio, int channel_count, size_t frames, int rate, int sf_format);
/* Finds the first NaN/Inf; returns WP_EXIT_BAD_AUDIO with a message naming it. */
int wp_audio_check_finite(const wp_audio *audio, const char *path);

/* Output format from the input's format and the --format / --bits options
 * (NULL = keep). Returns an exit code. */
int wp_audio_output_format(int in_format, const char *format_opt, const char *bits_opt, int *out_format);
/* Writes to a temporary file next to `path` and renames it over `path`, so a
 * failure never leaves a partial file. Refuses an existing `path` unless
 * force, and refuses `path` when it is the same file as `input` (may be NULL). */
int wp_audio_check_output(const char *path, const char *input, int force);
int wp_audio_write(const char *path, const wp_audio *audio);

/* "WAV", "FLAC", ...; "PCM_16", "FLOAT", ... */
const char *wp_audio_major_name(int sf_format);
const char *wp_audio_subtype_name(int sf_format);

/* mkstemp files are 0600: give them 0666 & ~umask like any new file. */
void wp_cli_fix_tmp_mode(int fd);

/* Removes the temporary output named by wp_cli_set_pending_tmp (NULL: none)
 * when SIGINT, SIGTERM, SIGHUP or SIGPIPE ends the program. */
void wp_cli_install_signal_cleanup(void);
void wp_cli_set_pending_tmp(const char *path);

void wp_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
