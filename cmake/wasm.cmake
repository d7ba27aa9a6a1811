# The engine module for JavaScript, in two forms per variant:
#   web/wavepool-<v>.mjs   ES module for the browser (MODULARIZE + EXPORT_ES6)
#   node/wavepool-<v>.cjs  CommonJS module for node tests
# <v> is mt (pthreads, shared memory) or st (no threads).
if(WP_THREADS)
    set(WP_VARIANT mt)
else()
    set(WP_VARIANT st)
endif()

set(WP_WASM_LINK
    -sMODULARIZE=1
    -sEXPORT_NAME=createWavepool
    -sALLOW_MEMORY_GROWTH=1
    -Wno-pthreads-mem-growth
    -sINITIAL_MEMORY=33554432
    -sMAXIMUM_MEMORY=4294967296
    -sEXPORTED_FUNCTIONS=_malloc,_free
    -sEXPORTED_RUNTIME_METHODS=UTF8ToString,stringToUTF8,lengthBytesUTF8
    -sENVIRONMENT=web,worker,node)
if(WP_THREADS)
    # Workers are created before main runs, sized by the page (see pool.h):
    # pool workers plus one spare. Nothing creates threads later.
    list(APPEND WP_WASM_LINK
        "-sPTHREAD_POOL_SIZE=(Module.wavepoolThreads||4)"
        -sPTHREAD_POOL_SIZE_STRICT=2)
endif()

# The flat C API for JavaScript: web/bindings.c and one web/bindings_*.c
# per page feature that needs its own entry points.
file(GLOB WP_BINDINGS_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/web/bindings*.c)

function(wp_add_wasm_module name dir suffix)
    add_executable(${name} ${WP_BINDINGS_SOURCES})
    target_link_libraries(${name} PRIVATE wavepool)
    # Exported entry points have no header, hence no prototypes.
    target_compile_options(${name} PRIVATE ${WP_WARNINGS} -Wno-missing-prototypes)
    target_link_options(${name} PRIVATE ${WP_WASM_LINK} ${ARGN})
    set_target_properties(${name} PROPERTIES
        OUTPUT_NAME wavepool-${WP_VARIANT}
        SUFFIX ${suffix}
        RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/${dir})
endfunction()

wp_add_wasm_module(wp_web web .mjs -sEXPORT_ES6=1)
wp_add_wasm_module(wp_node node .cjs)
