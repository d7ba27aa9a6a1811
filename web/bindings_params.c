/* Flat C API for the Equalizer and Effects panels (web/ui/eq.js,
 * web/ui/effects.js): the chain's parameter table as JSON, and the EQ's
 * combined magnitude response for the player chain's current settings.
 * No DSP here: the response is the library's biquad design and magnitude,
 * summed over the enabled bands. */
#include <emscripten/emscripten.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wavepool/chain.h"
#include "wavepool/eq.h"
#include "wavepool/player.h"
#include "wavepool/status.h"

/* Worst case per entry: name, unit, choices and six numbers; far below. */
#define PARAM_JSON_ENTRY_MAX 512

static char *param_json;

static const char *kind_name(wp_chain_param_kind kind)
{
    switch (kind) {
    case WP_CHAIN_INTEGER:
        return "integer";
    case WP_CHAIN_SWITCH:
        return "switch";
    default:
        return "continuous";
    }
}

/* The table as a JSON array of {index, name, unit, min, max, def, kind,
 * choices} (choices: an array of strings, or null), built on first use and
 * kept for the page's life. Names, units and choices are plain ASCII
 * without quotes or backslashes (the chain's table), so no escaping. NULL
 * when out of memory. */
EMSCRIPTEN_KEEPALIVE const char *wpb_params_json(void)
{
    if (param_json)
        return param_json;
    size_t cap = (size_t)WP_CHAIN_PARAM_COUNT * PARAM_JSON_ENTRY_MAX + 8;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    size_t len = 0;
    buf[len++] = '[';
    for (int p = 0; p < WP_CHAIN_PARAM_COUNT; p++) {
        const wp_chain_param_info *info = wp_chain_param_get_info((wp_chain_param)p);
        len += (size_t)snprintf(buf + len, cap - len,
                                "%s{\"index\":%d,\"name\":\"%s\",\"unit\":\"%s\",\"min\":%.17g,\"max\":%.17g,"
                                "\"def\":%.17g,\"kind\":\"%s\",\"choices\":",
                                p ? "," : "", p, info->name, info->unit, info->min, info->max, info->def,
                                kind_name(info->kind));
        if (info->choices) {
            buf[len++] = '[';
            buf[len++] = '"';
            for (const char *c = info->choices; *c; c++) {
                if (*c == '|') {
                    memcpy(buf + len, "\",\"", 3);
                    len += 3;
                } else {
                    buf[len++] = *c;
                }
            }
            buf[len++] = '"';
            buf[len++] = ']';
        } else {
            memcpy(buf + len, "null", 4);
            len += 4;
        }
        buf[len++] = '}';
    }
    buf[len++] = ']';
    buf[len] = '\0';
    param_json = buf;
    return param_json;
}

static double band_field(const wp_chain *chain, int band, int field)
{
    return wp_chain_get(chain, (wp_chain_param)(WP_CHAIN_EQ_BAND_FIRST + band * WP_CHAIN_EQ_FIELDS + field));
}

/* The combined EQ response in dB at `count` frequencies (Hz, each in
 * (0, rate/2)) for the values last set on the player's chain (what its
 * glides head to), at the player's rate: the sum of wp_biquad_magnitude_db
 * over the enabled bands; 0 dB everywhere while the EQ is off (eq.on 0).
 * Any thread (the chain's values are atomics). Returns a wp_status. */
EMSCRIPTEN_KEEPALIVE int wpb_params_eq_response_db(wp_player *player, const double *freqs_hz, int count,
                                                   double *out_db)
{
    if (!player || !freqs_hz || !out_db || count < 0)
        return WP_ERR_INVALID_ARGUMENT;
    const wp_chain *chain = wp_player_chain(player);
    double rate = wp_player_get_config(player)->sample_rate;
    for (int i = 0; i < count; i++) {
        if (!(freqs_hz[i] > 0 && freqs_hz[i] < rate / 2))
            return WP_ERR_OUT_OF_RANGE;
        out_db[i] = 0;
    }
    if (wp_chain_get(chain, WP_CHAIN_EQ_ON) == 0)
        return WP_OK;
    for (int b = 0; b < WP_CHAIN_EQ_BANDS; b++) {
        if (band_field(chain, b, WP_CHAIN_EQ_ENABLED) == 0)
            continue;
        wp_biquad_coeffs c;
        wp_status st = wp_biquad_design((wp_filter_type)band_field(chain, b, WP_CHAIN_EQ_TYPE), rate,
                                        band_field(chain, b, WP_CHAIN_EQ_FREQ), band_field(chain, b, WP_CHAIN_EQ_GAIN),
                                        band_field(chain, b, WP_CHAIN_EQ_Q), &c);
        if (st != WP_OK)
            return st;
        for (int i = 0; i < count; i++)
            out_db[i] += wp_biquad_magnitude_db(&c, rate, freqs_hz[i]);
    }
    return WP_OK;
}

/* The reference the node test compares wpb_params_eq_response_db with:
 * a wp_eq of WP_CHAIN_EQ_BANDS bands at `rate` set from `bands` (per band
 * type, freq, gain, q, enabled) and its wp_eq_magnitude_db. Returns a
 * wp_status. */
EMSCRIPTEN_KEEPALIVE int wpb_params_eq_reference_db(double rate, const double *bands, const double *freqs_hz,
                                                    int count, double *out_db)
{
    if (!bands || count < 0)
        return WP_ERR_INVALID_ARGUMENT;
    wp_eq *eq = NULL;
    wp_status st = wp_eq_create(rate, 1, WP_CHAIN_EQ_BANDS, &eq);
    for (int b = 0; st == WP_OK && b < WP_CHAIN_EQ_BANDS; b++) {
        const double *v = bands + b * WP_CHAIN_EQ_FIELDS;
        wp_eq_band band = {(wp_filter_type)v[WP_CHAIN_EQ_TYPE], v[WP_CHAIN_EQ_FREQ], v[WP_CHAIN_EQ_GAIN],
                           v[WP_CHAIN_EQ_Q], v[WP_CHAIN_EQ_ENABLED] != 0};
        st = wp_eq_set_band(eq, b, &band);
    }
    if (st == WP_OK)
        st = wp_eq_magnitude_db(eq, freqs_hz, (size_t)count, out_db);
    wp_eq_destroy(eq);
    return st;
}
