#!/usr/bin/env python3
"""wavepool development server (Python 3 standard library only).

Serves the staged web app (build/site by default) with the headers that make
the page cross-origin isolated, which the multithreaded engine needs
(SharedArrayBuffer, wasm threads):

    Cross-Origin-Opener-Policy: same-origin
    Cross-Origin-Embedder-Policy: require-corp
    Cross-Origin-Resource-Policy: same-origin

--no-isolation leaves them out, so the page falls back to the
single-threaded engine (used by the browser test of that fallback).

The first line on stdout is the URL, flushed at once, so a parent process can
start the server on --port 0 and read the port it got:

    wavepool: serving build/site at http://127.0.0.1:8000/ (cross-origin isolated)

Stops cleanly on Ctrl-C or SIGTERM.
"""

import argparse
import functools
import http.server
import ipaddress
import os
import signal
import socket
import sys

ISOLATION_HEADERS = (
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Embedder-Policy", "require-corp"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
)

# Explicit types for what the app serves; the mimetypes module's guesses
# depend on the machine (/etc/mime.types) and miss .mjs and .wasm on some.
MIME_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".wasm": "application/wasm",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".wav": "audio/wav",
    ".flac": "audio/flac",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".txt": "text/plain; charset=utf-8",
}


class Handler(http.server.SimpleHTTPRequestHandler):
    isolation = True
    verbose = False
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}

    def end_headers(self):
        # Every response, errors and redirects included, goes through here.
        if self.isolation:
            for name, value in ISOLATION_HEADERS:
                self.send_header(name, value)
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format, *args):
        # Requests and errors (log_error goes through here too) only with
        # --verbose: a browser's favicon 404 is not worth a line.
        if self.verbose:
            super().log_message(format, *args)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A browser closing a connection mid-response is normal; keep quiet.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


class Server6(Server):
    address_family = socket.AF_INET6


def is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_host(host):
    return f"[{host}]" if ":" in host else host


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Serve the wavepool web app with cross-origin isolation headers.")
    p.add_argument("--root", default="build/site",
                   help="directory to serve (default: build/site)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default: 127.0.0.1, loopback only)")
    p.add_argument("--port", type=int, default=8000,
                   help="port (default: 8000; 0 picks a free port)")
    p.add_argument("--no-isolation", action="store_true",
                   help="omit the COOP/COEP/CORP headers (tests the single-threaded fallback)")
    p.add_argument("--verbose", action="store_true", help="log every request to stderr")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    root = os.path.abspath(args.root)
    if not os.path.isdir(root):
        print(f"wavepool: {args.root} is not a directory (build the site first: make site)",
              file=sys.stderr)
        return 2
    if not 0 <= args.port <= 65535:
        print(f"wavepool: invalid port {args.port}", file=sys.stderr)
        return 2

    handler = functools.partial(type("BoundHandler", (Handler,), {
        "isolation": not args.no_isolation,
        "verbose": args.verbose,
    }), directory=root)
    server_class = Server6 if ":" in args.host else Server
    try:
        server = server_class((args.host, args.port), handler)
    except OSError as e:
        print(f"wavepool: cannot listen on {args.host}:{args.port}: {e.strerror or e}",
              file=sys.stderr)
        return 1

    # Ctrl-C and SIGTERM (a parent process stopping us) both end cleanly,
    # also when started in the background, where SIGINT starts out ignored.
    def on_signal(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    port = server.server_address[1]
    url = f"http://{url_host(args.host)}:{port}/"
    mode = "no isolation headers" if args.no_isolation else "cross-origin isolated"
    print(f"wavepool: serving {args.root} at {url} ({mode})", flush=True)
    if not is_loopback(args.host):
        # Browsers grant cross-origin isolation only to secure contexts:
        # https, or http on localhost / loopback addresses.
        print(f"wavepool: warning: {args.host} is not loopback, so the server is reachable "
              "from the network; browsers on other machines get a plain-http page that is "
              "not a secure context, hence not cross-origin isolated (threads off)",
              file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    print("wavepool: server stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
