#!/usr/bin/env python3
"""Checks that a wavepool deployment can run the multithreaded engine.

    scripts/check_deployment.py [--wait S] URL

URL is the page's address (https://wavepool.example.org/ or
http://127.0.0.1:8000/). Fetches the page and the engine's files and checks
what the browser will check: status 200, the two isolation headers, MIME
types that module scripts and streaming wasm compilation accept, and a
secure context. Prints one line per file and a verdict; exit 0 when the page
will be cross-origin isolated, 1 when not (the app then runs single-threaded),
2 when the server cannot be reached.
"""
import argparse
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

# The files the threaded page loads, relative to the page (see web/engine.js).
FILES = ["", "app.js", "engine.js", "engine-core.js", "engine-worker.js", "ring-processor.js",
         "engine/wavepool-mt.mjs", "engine/wavepool-mt.worker.js", "engine/wavepool-mt.wasm",
         "engine/wavepool-st.mjs", "engine/wavepool-st.wasm"]
JAVASCRIPT = {"text/javascript", "application/javascript", "application/x-javascript"}
LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def fetch(url, wait_s):
    deadline = time.monotonic() + wait_s
    while True:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"),
                                        timeout=10) as response:
                return response.status, response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.headers
        except (urllib.error.URLError, OSError):
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.2)


def problems_of(name, status, headers):
    problems = []
    if status != 200:
        return [f"HTTP {status} (is build/site deployed whole?)"]
    mime = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if name.endswith(".wasm") and mime != "application/wasm":
        problems.append(f"Content-Type {mime or 'missing'}, must be application/wasm")
    if name.endswith((".js", ".mjs")) and mime not in JAVASCRIPT:
        problems.append(f"Content-Type {mime or 'missing'}, must be text/javascript")
    # The page needs both; the shipped snippets send them on every response,
    # which also covers worker scripts (a worker is isolated by its own
    # script's headers in some browsers).
    if headers.get("Cross-Origin-Opener-Policy") != "same-origin":
        problems.append("no 'Cross-Origin-Opener-Policy: same-origin'")
    if headers.get("Cross-Origin-Embedder-Policy") not in ("require-corp", "credentialless"):
        problems.append("no 'Cross-Origin-Embedder-Policy: require-corp'")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="the page's address")
    parser.add_argument("--wait", type=float, default=0,
                        help="seconds to keep retrying while the server starts (default 0)")
    args = parser.parse_args()
    page = args.url if args.url.endswith("/") else args.url + "/"
    parts = urllib.parse.urlsplit(page)
    if parts.scheme not in ("http", "https"):
        parser.error("URL must start with http:// or https://")

    failed = False
    if parts.scheme == "http" and parts.hostname not in LOOPBACK:
        print("FAIL plain http off localhost is not a secure context: browsers will not "
              "isolate the page (and disable AudioWorklet); serve https")
        failed = True
    for name in FILES:
        try:
            status, headers = fetch(urllib.parse.urljoin(page, name), args.wait)
        except (urllib.error.URLError, OSError) as error:
            print(f"cannot reach {page}: {error}")
            return 2
        problems = problems_of(name, status, headers)
        failed = failed or bool(problems)
        print(f"{'FAIL' if problems else 'ok  '} /{name:<30} {'; '.join(problems)}")
    if failed:
        print("verdict: not cross-origin isolated; the app will run single-threaded "
              "(see docs/guide/deployment.md)")
        return 1
    print("verdict: ready for the multithreaded engine")
    return 0


if __name__ == "__main__":
    sys.exit(main())
