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
deploy/ holds the same headers for nginx, Caddy, Netlify / Cloudflare Pages
and a service-worker variant for hosts without header control; keep them in
step (tests/node/server.test.mjs checks they agree).

What it serves: regular files under --root, and a directory's index.html;
nothing else. Only GET and HEAD (anything else: 405 with Allow). No directory
listings, no dot files, no path that leaves the root (".." segments, encoded
or not, backslashes, NUL bytes, symlinks pointing outside). When bound to a
loopback address it also refuses requests whose Host header names anything
but a loopback host, so a web page cannot read the server through DNS
rebinding.

The first line on stdout is the URL, flushed at once, so a parent process can
start the server on --port 0 and read the port it got:

    wavepool: serving build/site at http://127.0.0.1:8000/ (cross-origin isolated)

Stops cleanly on Ctrl-C or SIGTERM.
"""

import argparse
import http.server
import ipaddress
import os
import re
import shutil
import signal
import socket
import sys
import urllib.parse
from http import HTTPStatus

ISOLATION_HEADERS = (
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Embedder-Policy", "require-corp"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
)

# Explicit types for what the app serves; the mimetypes module's guesses
# depend on the machine (/etc/mime.types) and miss .mjs and .wasm on some.
# Anything else is application/octet-stream (with nosniff: never run).
MIME_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".wasm": "application/wasm",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".wav": "audio/wav",
    ".flac": "audio/flac",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".txt": "text/plain; charset=utf-8",
}
DEFAULT_TYPE = "application/octet-stream"

ALLOWED_METHODS = ("GET", "HEAD")
ABSOLUTE_FORM = re.compile(r"^https?://", re.IGNORECASE)
# A Host header: [IPv6] or a name / IPv4 address, then an optional port.
HOST_HEADER = re.compile(r"^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+))(?::[0-9]*)?$")


def content_type(name):
    return MIME_TYPES.get(os.path.splitext(name)[1].lower(), DEFAULT_TYPE)


def is_loopback(host):
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def inside(root, path):
    return os.path.commonpath([root, path]) == root


class Handler(http.server.BaseHTTPRequestHandler):
    # Set per server by make_handler().
    root = "/nonexistent"   # real path (symlinks resolved) of the served directory
    isolation = True
    verbose = False
    check_host = True       # only loopback Host headers (loopback binds)

    server_version = "wavepool-dev"
    timeout = 30            # seconds a silent connection may hold a thread

    def version_string(self):
        return self.server_version

    def parse_request(self):
        self.extra_headers = []
        if not super().parse_request():
            return False
        if self.command not in ALLOWED_METHODS:
            self.extra_headers.append(("Allow", ", ".join(ALLOWED_METHODS)))
            self.send_error(HTTPStatus.METHOD_NOT_ALLOWED)
            return False
        if self.check_host and not self.host_allowed(self.headers.get("Host")):
            self.send_error(HTTPStatus.FORBIDDEN, None,
                            "This development server answers only to loopback host names.")
            return False
        return True

    @staticmethod
    def host_allowed(host):
        if host is None:
            return True     # HTTP/1.0 clients may omit it; browsers never do
        m = HOST_HEADER.match(host.strip())
        return m is not None and is_loopback(m.group(1) or m.group(2))

    def end_headers(self):
        # Every response, errors and redirects included, goes through here.
        for name, value in getattr(self, "extra_headers", ()):
            self.send_header(name, value)
        if self.isolation:
            for name, value in ISOLATION_HEADERS:
                self.send_header(name, value)
        # no-store, not no-cache: Last-Modified has one-second resolution, so
        # a revalidated copy could survive a rebuild within the same second.
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def do_GET(self):
        self.serve(body=True)

    def do_HEAD(self):
        self.serve(body=False)

    def serve(self, body):
        status, target = self.resolve()
        if status == HTTPStatus.MOVED_PERMANENTLY:
            self.send_response(status)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if status != HTTPStatus.OK:
            self.send_error(status)
            return
        name, real = target
        try:
            f = open(real, "rb")
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        with f:
            st = os.fstat(f.fileno())
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", content_type(name))
            self.send_header("Content-Length", str(st.st_size))
            self.send_header("Last-Modified", self.date_time_string(st.st_mtime))
            self.end_headers()
            if body:
                shutil.copyfileobj(f, self.wfile)

    def resolve(self):
        """Maps the request target to (200, (name, real path)) of a regular
        file under the root, (301, location) for a directory without its
        trailing slash, or (error status, None)."""
        target = self.path
        if ABSOLUTE_FORM.match(target):
            split = urllib.parse.urlsplit(target)
            path, query = split.path or "/", split.query
        elif target.startswith("/"):
            path, _, query = target.partition("?")
        else:
            return HTTPStatus.BAD_REQUEST, None
        try:
            decoded = urllib.parse.unquote(path, errors="strict")
        except UnicodeDecodeError:
            return HTTPStatus.BAD_REQUEST, None
        # Backslashes are separators on Windows and in some URL parsers;
        # NUL truncates paths in C. Neither belongs in a URL of this app.
        if "\\" in decoded or "\x00" in decoded:
            return HTTPStatus.BAD_REQUEST, None
        parts = [p for p in decoded.split("/") if p]
        # ".", ".." and dot files (.git, .env, ...) are never served.
        if any(p.startswith(".") for p in parts):
            return HTTPStatus.NOT_FOUND, None
        name = os.path.join(self.root, *parts)
        real = os.path.realpath(name)
        if not inside(self.root, real):
            return HTTPStatus.NOT_FOUND, None     # a symlink out of the root
        if os.path.isdir(real):
            if not path.endswith("/"):
                # Rebuilt from the checked segments, so it is always a path
                # on this server (never "//host", an open redirect).
                location = "/" + "/".join(urllib.parse.quote(p) for p in parts) + "/"
                return HTTPStatus.MOVED_PERMANENTLY, location + ("?" + query if query else "")
            name = os.path.join(name, "index.html")
            real = os.path.realpath(os.path.join(real, "index.html"))
            if not inside(self.root, real):
                return HTTPStatus.NOT_FOUND, None
        if not os.path.isfile(real):
            return HTTPStatus.NOT_FOUND, None     # missing, or a FIFO, device, ...
        return HTTPStatus.OK, (name, real)

    def log_message(self, format, *args):
        # Requests and errors (log_error goes through here too) only with
        # --verbose: a browser's favicon 404 is not worth a line.
        if self.verbose:
            super().log_message(format, *args)


def make_handler(root, isolation, verbose, check_host):
    return type("BoundHandler", (Handler,), {
        "root": root,
        "isolation": isolation,
        "verbose": verbose,
        "check_host": check_host,
    })


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64     # a page load opens several connections at once

    def handle_error(self, request, client_address):
        # A browser closing a connection mid-response is normal; keep quiet.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionResetError, BrokenPipeError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class Server6(Server):
    address_family = socket.AF_INET6


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
    p.add_argument("--verbose", action="store_true",
                   help="log every request to stderr (default: quiet)")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if not os.path.isdir(args.root):
        print(f"wavepool: {args.root} is not a directory (build the site first: make site)",
              file=sys.stderr)
        return 2
    if not 0 <= args.port <= 65535:
        print(f"wavepool: invalid port {args.port}", file=sys.stderr)
        return 2

    loopback = is_loopback(args.host)
    handler = make_handler(os.path.realpath(args.root), not args.no_isolation,
                           args.verbose, check_host=loopback)
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
    if not loopback:
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
