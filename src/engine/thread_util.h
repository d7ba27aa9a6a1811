/* Internal helpers for the engine's threads (pool, player). */
#ifndef WAVEPOOL_THREAD_UTIL_H
#define WAVEPOOL_THREAD_UTIL_H

#ifdef __EMSCRIPTEN__
#include <emscripten/threading.h>
#endif

/* 1 on the browser's main thread, which must never block on a thread
 * (Emscripten turns the wait into a busy loop); 0 elsewhere and natively. */
static inline int wp_on_browser_main_thread(void)
{
#ifdef __EMSCRIPTEN__
    return emscripten_is_main_browser_thread();
#else
    return 0;
#endif
}

#endif
