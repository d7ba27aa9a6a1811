# wavepool: the user-facing commands. CMake does the building (see
# CMakePresets.json); this file only sequences presets and tools.
#
#   make          build native + wasm-mt + wasm-st and stage the web app
#   make run      build, then serve the app on http://127.0.0.1:8000
#   make test     build, then run every test suite
#   make bench    benchmarks: FFT (vs FFTW, wasm vs native), DSP modules and chain (x real time, loudness vs libebur128)

SHELL := /bin/bash
JOBS ?= $(shell nproc)
HOST ?= 127.0.0.1
PORT ?= 8000
SITE := build/site

export NODE_PATH := /usr/share/nodejs

.PHONY: all bootstrap native wasm-mt wasm-st asan tsan site run test test-native \
        test-wasm test-sanitizers test-node test-browser bench clean

all: native wasm-mt wasm-st site

bootstrap:
	@scripts/bootstrap.sh

# Each preset configures once, then builds incrementally.
native wasm-mt wasm-st asan tsan: bootstrap
	@[ -f build/$@/CMakeCache.txt ] || cmake --preset $@ >/dev/null
	@cmake --build build/$@ -j $(JOBS) -- --no-print-directory

site: wasm-mt wasm-st
	@rm -rf $(SITE) && mkdir -p $(SITE)/engine
	@cp -r web/* $(SITE)/ && rm -f $(SITE)/bindings*.c $(SITE)/serve.py $(SITE)/package.json
	@cp build/wasm-mt/web/* build/wasm-st/web/* $(SITE)/engine/

run: all
	@python3 web/serve.py --host $(HOST) --port $(PORT) --root $(SITE)

test: all asan tsan
	@scripts/run_tests.sh

bench: native wasm-st site
	@scripts/bench.sh

clean:
	rm -rf build
