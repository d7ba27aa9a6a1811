#!/usr/bin/env bash
# Installs what wavepool needs on a Debian 12 machine, idempotently: silent
# when everything is already there. Called by `make`, `make run`,
# `make test` and .ci/run.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# Debian packages: command or file that proves each is installed.
declare -A wanted=(
    [emscripten]=/usr/bin/emcc
    [chromium]=/usr/bin/chromium
    [libcmocka-dev]=/usr/include/cmocka.h
    [libsndfile1-dev]=/usr/include/sndfile.h
    [libebur128-dev]=/usr/include/ebur128.h
    [libfftw3-dev]=/usr/include/fftw3.h
    [sox]=/usr/bin/sox
    [hyperfine]=/usr/bin/hyperfine
    [doxygen]=/usr/bin/doxygen
    [valgrind]=/usr/bin/valgrind
    [cmake]=/usr/bin/cmake
    [nodejs]=/usr/bin/node
    [python3]=/usr/bin/python3
    [xz-utils]=/usr/bin/xz
    [pkg-config]=/usr/bin/pkg-config
    [man-db]=/usr/bin/man
)
missing=()
for pkg in "${!wanted[@]}"; do
    [ -e "${wanted[$pkg]}" ] || missing+=("$pkg")
done
# npm ships with Debian's nodejs only as a separate package; NodeSource's nodejs has it.
command -v npm >/dev/null 2>&1 || missing+=(npm)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if [ ${#missing[@]} -gt 0 ]; then
    echo "bootstrap: installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
fi

# npm packages from the committed package-lock (pffft sources, playwright-core).
stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
    echo "bootstrap: npm ci"
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi

# cmocka's C sources for the wasm test builds (Debian's -dev package ships
# only a native library). Fetched from Debian's own source archive with a
# private apt configuration, so the machine's apt setup is left alone.
cmocka_dir=.deps/cmocka
if [ ! -f "$cmocka_dir/src/cmocka.c" ]; then
    echo "bootstrap: fetching cmocka sources from Debian's archive"
    apt_dir="$root/.deps/apt"
    mkdir -p "$apt_dir/parts" "$apt_dir/lists/partial" "$apt_dir/cache" "$apt_dir/src"
    cat >"$apt_dir/parts/debian-src.sources" <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    apt_opts=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$apt_dir/parts"
              -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
              -o "APT::Sandbox::User=root")
    apt-get "${apt_opts[@]}" update -qq >/dev/null
    (cd "$apt_dir/src" && apt-get "${apt_opts[@]}" source --download-only -qq cmocka >/dev/null)
    rm -rf "$cmocka_dir" && mkdir -p "$cmocka_dir"
    tar -xJf "$apt_dir"/src/cmocka_*.orig.tar.xz -C "$cmocka_dir" --strip-components=1
    rm -rf "$apt_dir"
fi
