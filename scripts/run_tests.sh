#!/usr/bin/env bash
# Runs every test suite after `make all asan tsan` built them: the unit
# tests natively, under ASan+UBSan and TSan, and as wasm (mt and st) under
# node; the node tests of the wasm modules; the browser tests in Chromium.
# Prints one line per suite and a final "N passed, N failed" over suites.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export NODE_PATH=/usr/share/nodejs

passed=0
failed=0
failures=()
log_dir=build/test-logs
mkdir -p "$log_dir"

run_suite() {
    local name=$1
    shift
    local log="$log_dir/${name//\//-}.log"
    local start=$SECONDS
    if "$@" >"$log" 2>&1; then
        passed=$((passed + 1))
        printf '  %-22s ok    (%ds)  %s\n' "$name" $((SECONDS - start)) "$(summary "$log")"
    else
        failed=$((failed + 1))
        failures+=("$name")
        printf '  %-22s FAILED (%ds), log: %s\n' "$name" $((SECONDS - start)) "$log"
        tail -n 40 "$log" | sed 's/^/    | /'
    fi
}

# The closing line of ctest or node --test, for the one-line report.
summary() {
    grep -E 'tests passed|^# (pass|fail) ' "$1" | tr '\n' ' ' | sed 's/# //g'
}

# valgrind on the native pool and ring tests: leaks and invalid accesses in
# the threaded code, independently of the sanitizer builds.
valgrind_pool_and_ring() {
    local t
    for t in test_pool test_ring; do
        valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
            "build/native/tests/unit/$t" || return 1
    done
}

echo "wavepool tests"
for preset in native asan wasm-mt wasm-st; do
    run_suite "unit/$preset" ctest --test-dir "build/$preset" --output-on-failure
done
# TSan where threads meet: the pool, the ring, the chain's parameter slots,
# the jobs on the pool and the player's threads (the DSP modules are
# single-threaded).
run_suite "unit/tsan" ctest --test-dir build/tsan --output-on-failure -R 'test_(pool|ring|chain|jobs|player)'
run_suite "unit/valgrind" valgrind_pool_and_ring
# node's fetch breaks the Emscripten 3.1.6 loader; playwright needs it, so
# the flag goes to the wasm suite only.
run_suite "node/wasm-modules" node --no-experimental-fetch --test tests/node/
run_suite "browser/chromium" node --test tests/e2e/
# The documents: runnable commands, links, CLI help against the man page, Doxygen.
run_suite "docs" python3 tests/docs/check_docs.py

echo "suites: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ] || { echo "failed: ${failures[*]}"; exit 1; }
