#include "dsp/delayline.h"

#include <stdlib.h>
#include <string.h>

wp_status wp_dline_init(wp_dline *d, size_t max_delay)
{
    /* Hermite reads one sample past the delay and one before it. */
    size_t need = max_delay + 3, cap = 16;
    while (cap < need)
        cap *= 2;
    d->buf = calloc(cap + WP_DLINE_GUARD, sizeof *d->buf);
    if (!d->buf)
        return WP_ERR_OUT_OF_MEMORY;
    d->mask = cap - 1;
    d->pos = 0;
    return WP_OK;
}

void wp_dline_free(wp_dline *d)
{
    free(d->buf);
    d->buf = NULL;
}

void wp_dline_clear(wp_dline *d)
{
    memset(d->buf, 0, (d->mask + 1 + WP_DLINE_GUARD) * sizeof *d->buf);
    d->pos = 0;
}
