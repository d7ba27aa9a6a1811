#!/usr/bin/env bash
# Stages the web app for a static host that cannot set response headers
# (GitHub Pages and the like): copies the built site into OUT_DIR and adds
# coi-serviceworker, a service worker that re-serves the page's own files
# with COOP/COEP so the page becomes cross-origin isolated (threads on) after
# one automatic reload. See deploy/coi/README.md for how it works and its
# limits.
#
#   scripts/make-coi-site.sh OUT_DIR [SITE_DIR]
#
# SITE_DIR defaults to build/site (make site). OUT_DIR must not exist or be
# empty: the script never deletes anything.
set -euo pipefail

usage() { echo "usage: $0 OUT_DIR [SITE_DIR]" >&2; exit 2; }
if [ $# -lt 1 ] || [ $# -gt 2 ] || [ -z "$1" ]; then usage; fi

root=$(cd "$(dirname "$0")/.." && pwd)
out=$1
site=${2:-$root/build/site}
sw_name=coi-serviceworker.min.js
sw=$root/node_modules/coi-serviceworker/$sw_name

fail() { echo "make-coi-site: $*" >&2; exit 1; }
[ -f "$site/index.html" ] || fail "$site/index.html not found (build the site first: make site)"
[ -f "$sw" ] || fail "$sw not found (install the npm packages: scripts/bootstrap.sh)"
if [ -e "$out" ] && [ -n "$(ls -A "$out")" ]; then
    fail "$out exists and is not empty (remove it first)"
fi
[ -e "$site/$sw_name" ] && fail "$site already contains $sw_name"

mkdir -p "$out"
cp -R "$site"/. "$out"/
# The worker must come from the page's own origin, next to index.html (its
# directory is the worker's scope), as a file of its own.
cp "$sw" "$out/$sw_name"
# GitHub Pages runs Jekyll unless told not to; Jekyll drops files whose
# names start with "_" or ".".
: > "$out/.nojekyll"

# The tag goes first in <head>: a classic (not module, not deferred) script,
# so it runs before the app starts and can find its own URL
# (document.currentScript), and registers the worker before anything else
# loads.
python3 - "$out/index.html" "$sw_name" <<'PY'
import re
import sys

path, sw_name = sys.argv[1], sys.argv[2]
with open(path, encoding="utf-8") as f:
    html = f.read()
tag = f'<script src="{sw_name}"></script>'
html, n = re.subn(r"<head(?:\s[^>]*)?>", lambda m: f"{m.group(0)}\n  {tag}", html,
                  count=1, flags=re.IGNORECASE)
if n != 1:
    sys.exit(f"make-coi-site: no <head> element in {path}")
with open(path, "w", encoding="utf-8") as f:
    f.write(html)
PY
echo "make-coi-site: $out is ready to publish (coi-serviceworker added to index.html)"
