/* wavepool CLI: PNG writer and bitmap font. */
#include "png.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audio_file.h"

static uint32_t crc_table[256];

static void crc_init(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

static uint32_t crc_update(uint32_t crc, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        crc = crc_table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    return crc;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* One chunk: length, type, data, CRC over type and data. */
static int write_chunk(FILE *f, const char type[4], const uint8_t *data, size_t n)
{
    uint8_t head[8];
    put_be32(head, (uint32_t)n);
    memcpy(head + 4, type, 4);
    uint32_t crc = crc_update(0xFFFFFFFFu, head + 4, 4);
    crc = crc_update(crc, data, n) ^ 0xFFFFFFFFu;
    uint8_t tail[4];
    put_be32(tail, crc);
    return fwrite(head, 1, 8, f) == 8 && (n == 0 || fwrite(data, 1, n, f) == n) && fwrite(tail, 1, 4, f) == 4;
}

/* zlib stream of stored (uncompressed) deflate blocks: the spectrogram's
 * noise-like pixels would gain little from real compression, and this
 * needs no library. */
static uint8_t *zlib_stored(const uint8_t *raw, size_t n, size_t *out_n)
{
    size_t blocks = n / 65535 + 1;
    uint8_t *z = malloc(2 + blocks * 5 + n + 4);
    if (!z)
        return NULL;
    size_t o = 0;
    z[o++] = 0x78; /* CM 8, 32K window */
    z[o++] = 0x01; /* FCHECK: 0x7801 % 31 == 0, fastest level */
    size_t pos = 0;
    do {
        size_t len = n - pos < 65535 ? n - pos : 65535;
        z[o++] = pos + len == n ? 1 : 0; /* BFINAL, BTYPE 00 */
        z[o++] = (uint8_t)len;
        z[o++] = (uint8_t)(len >> 8);
        z[o++] = (uint8_t)~len;
        z[o++] = (uint8_t)(~len >> 8);
        memcpy(z + o, raw + pos, len);
        o += len;
        pos += len;
    } while (pos < n);
    uint32_t a = 1, b = 0; /* Adler-32 */
    for (size_t i = 0; i < n; i++) {
        a = (a + raw[i]) % 65521u;
        b = (b + a) % 65521u;
    }
    put_be32(z + o, (b << 16) | a);
    *out_n = o + 4;
    return z;
}

int wp_png_write(const char *path, const wp_image *img)
{
    crc_init();
    size_t row = (size_t)img->width * 3 + 1;
    size_t raw_n = row * (size_t)img->height;
    uint8_t *raw = malloc(raw_n);
    if (!raw) {
        wp_cli_error("out of memory");
        return WP_EXIT_TOO_LARGE;
    }
    for (int y = 0; y < img->height; y++) {
        raw[(size_t)y * row] = 0; /* filter: none */
        memcpy(raw + (size_t)y * row + 1, img->rgb + (size_t)y * (size_t)img->width * 3, (size_t)img->width * 3);
    }
    size_t z_n = 0;
    uint8_t *z = zlib_stored(raw, raw_n, &z_n);
    free(raw);
    if (!z) {
        wp_cli_error("out of memory");
        return WP_EXIT_TOO_LARGE;
    }
    size_t len = strlen(path);
    char *tmp = malloc(len + 16);
    int fd = -1;
    if (tmp) {
        snprintf(tmp, len + 16, "%s.tmp.XXXXXX", path);
        fd = mkstemp(tmp);
    }
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f) {
        wp_cli_error("cannot write '%s': %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        free(tmp);
        free(z);
        return WP_EXIT_WRITE;
    }
    wp_cli_set_pending_tmp(tmp);
    wp_cli_fix_tmp_mode(fd);
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    uint8_t ihdr[13];
    put_be32(ihdr, (uint32_t)img->width);
    put_be32(ihdr + 4, (uint32_t)img->height);
    ihdr[8] = 8;  /* bit depth */
    ihdr[9] = 2;  /* colour type: RGB */
    ihdr[10] = 0; /* deflate */
    ihdr[11] = 0; /* adaptive filtering */
    ihdr[12] = 0; /* no interlace */
    int ok = fwrite(sig, 1, 8, f) == 8 && write_chunk(f, "IHDR", ihdr, 13) && write_chunk(f, "IDAT", z, z_n) &&
             write_chunk(f, "IEND", NULL, 0);
    ok = (fclose(f) == 0) && ok;
    free(z);
    if (ok && rename(tmp, path) != 0)
        ok = 0;
    if (!ok) {
        unlink(tmp);
        wp_cli_error("cannot write '%s': %s", path, strerror(errno));
    }
    wp_cli_set_pending_tmp(NULL);
    free(tmp);
    return ok ? WP_EXIT_OK : WP_EXIT_WRITE;
}

/* 5x7 glyphs drawn for this program: one byte per row, bit 4 = leftmost. */
typedef struct glyph {
    char ch;
    uint8_t rows[WP_FONT_H];
} glyph;

static const glyph font[] = {
    {'0', {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E}},
    {'1', {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E}},
    {'2', {0x0E, 0x11, 0x01, 0x06, 0x08, 0x10, 0x1F}},
    {'3', {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E}},
    {'4', {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02}},
    {'5', {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E}},
    {'6', {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E}},
    {'7', {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08}},
    {'8', {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E}},
    {'9', {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C}},
    {'.', {0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C}},
    {'-', {0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00}},
    {' ', {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}},
    {'H', {0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11}},
    {'z', {0x00, 0x00, 0x1F, 0x02, 0x04, 0x08, 0x1F}},
    {'s', {0x00, 0x00, 0x0F, 0x10, 0x0E, 0x01, 0x1E}},
    {'k', {0x10, 0x10, 0x12, 0x14, 0x18, 0x14, 0x12}},
    {'d', {0x01, 0x01, 0x0D, 0x13, 0x11, 0x11, 0x0F}},
    {'B', {0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E}},
};

static const glyph *find_glyph(char ch)
{
    for (size_t i = 0; i < sizeof font / sizeof font[0]; i++)
        if (font[i].ch == ch)
            return &font[i];
    return NULL;
}

int wp_font_text_width(const char *text, int scale)
{
    int n = (int)strlen(text);
    return n == 0 ? 0 : (n * (WP_FONT_W + 1) - 1) * scale;
}

void wp_font_draw(wp_image *img, int x, int y, int scale, const char *text, const uint8_t rgb[3])
{
    for (; *text; text++, x += (WP_FONT_W + 1) * scale) {
        const glyph *g = find_glyph(*text);
        if (!g)
            continue;
        for (int r = 0; r < WP_FONT_H; r++)
            for (int c = 0; c < WP_FONT_W; c++) {
                if (!(g->rows[r] & (0x10 >> c)))
                    continue;
                for (int dy = 0; dy < scale; dy++)
                    for (int dx = 0; dx < scale; dx++) {
                        int px = x + c * scale + dx, py = y + r * scale + dy;
                        if (px < 0 || py < 0 || px >= img->width || py >= img->height)
                            continue;
                        memcpy(img->rgb + ((size_t)py * (size_t)img->width + (size_t)px) * 3, rgb, 3);
                    }
            }
    }
}
