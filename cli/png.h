/* wavepool CLI: a minimal PNG writer (8-bit RGB, zlib stored blocks) and a
 * small bitmap font for labels. */
#ifndef WP_CLI_PNG_H
#define WP_CLI_PNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct wp_image {
    int width, height;
    uint8_t *rgb; /* width * height * 3 bytes, rows top to bottom */
} wp_image;

/* Writes via a temporary file renamed into place; returns an exit code. */
int wp_png_write(const char *path, const wp_image *img);

/* Glyph cell: WP_FONT_W x WP_FONT_H pixels at scale 1, plus 1 px spacing. */
#define WP_FONT_W 5
#define WP_FONT_H 7
/* Draws `text` (digits, '.', '-', ' ', 'H', 'z', 's', 'k', 'd', 'B') with its
 * top-left corner at (x, y), each font pixel scale x scale. */
void wp_font_draw(wp_image *img, int x, int y, int scale, const char *text, const uint8_t rgb[3]);
int wp_font_text_width(const char *text, int scale);

#endif
