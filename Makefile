# wavepool: the user-facing commands. CMake does the building (see
# CMakePresets.json); this file only sequences presets and tools.
#
#   make          build native + wasm-mt + wasm-st and stage the web app
#   make run      build, then serve the app on http://127.0.0.1:8000
#   make test     build, then run every test suite
#   make docs     C API reference (Doxygen) in build/docs/html, no warnings allowed
#   make bench    benchmarks: FFT (vs FFTW, wasm vs native), DSP modules and chain (x real time, loudness vs libebur128)

SHELL := /bin/bash
JOBS ?= $(shell nproc)
HOST ?= 127.0.0.1
PORT ?= 8000
SITE := build/site

export NODE_PATH := /usr/share/nodejs

.PHONY: all bootstrap native wasm-mt wasm-st asan tsan site run test bench docs clean

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

test: all asan tsan docs
	@scripts/run_tests.sh

bench: native wasm-st site
	@scripts/bench.sh

# Doxygen writes its warnings to build/docs/warnings.log and fails on any.
docs: bootstrap
	@mkdir -p build/docs
	@doxygen Doxyfile || { cat build/docs/warnings.log >&2; echo "docs: doxygen warnings (above)" >&2; exit 1; }
	@echo "docs: build/docs/html/index.html"

clean:
	rm -rf build
