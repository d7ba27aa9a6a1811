#!/usr/bin/env python3
"""Checks that the documentation still tells the truth about the tree.

Run from the repository root after `make all docs` (scripts/run_tests.sh does).

- Every shell code block in the Markdown documents declares itself:
  ```sh runnable          run; must exit 0 (blocks of one document run in
                          order, in one scratch directory that links the
                          repository's top-level entries, so files they
                          write stay out of the tree)
  ```sh runnable-server   start; must print an http:// URL that answers 200
                          (with COOP/COEP if it says "cross-origin isolated")
  ```sh norun             shown only (e.g. `make test`, which runs this, or
                          `cmake --preset`, which must configure from the
                          repository itself)
- Relative links point to files that exist, and #anchors to headings.
- `wavepool COMMAND --help` works for every command `wavepool --help` lists,
  and the man page names every command and every long option they print;
  the man page renders without groff warnings.
- Doxygen left no warning (make docs fails on one; this re-checks the log).
"""
import functools
import http.client
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path.cwd()
DOCUMENTS = sorted({ROOT / "README.md", ROOT / "deploy/coi/README.md",
                    *ROOT.glob("docs/*.md"), *ROOT.glob("docs/guide/*.md")})
SHELL_LANGUAGES = {"sh", "bash", "shell", "console"}
BLOCK_TIMEOUT_S = 600
SERVER_TIMEOUT_S = 600
CLI = ROOT / "build/native/cli/wavepool"

failures = []
summary = []


def fail(where, message):
    failures.append(f"{where}: {message}")


def code_blocks(path):
    """Yields (line number, info words, body) for each fenced block."""
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        match = re.match(r"^(\s*)(```+|~~~+)(.*)$", lines[i])
        if not match:
            i += 1
            continue
        indent, fence, info = match.groups()
        start = i + 1
        body = []
        i += 1
        while i < len(lines) and not lines[i].strip().startswith(fence):
            body.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i])
            i += 1
        i += 1
        yield start, info.split(), "\n".join(body) + "\n"


def scratch_dir():
    """A directory whose entries link to the repository's, so commands run as
    from the root but files they create land outside the tree."""
    directory = Path(tempfile.mkdtemp(prefix="wavepool-doc-"))
    for entry in ROOT.iterdir():
        if entry.name != ".git":
            (directory / entry.name).symlink_to(entry)
    return directory


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_block(where, body, cwd, env):
    try:
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", body], cwd=cwd, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                timeout=BLOCK_TIMEOUT_S, text=True)
    except subprocess.TimeoutExpired:
        fail(where, f"did not finish in {BLOCK_TIMEOUT_S} s")
        return
    if result.returncode != 0:
        tail = "\n".join(result.stdout.splitlines()[-15:])
        fail(where, f"exit {result.returncode}\n{body}--- output ---\n{tail}")


def run_server_block(where, body, cwd, env):
    server = subprocess.Popen(["bash", "-euo", "pipefail", "-c", body], cwd=cwd, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True)
    output = []
    try:
        deadline = time.monotonic() + SERVER_TIMEOUT_S
        url = None
        while url is None and time.monotonic() < deadline:
            ready, _, _ = select.select([server.stdout], [], [], 1.0)
            if not ready:
                if server.poll() is not None:
                    break
                continue
            line = server.stdout.readline()
            if not line:
                break
            output.append(line)
            match = re.search(r"https?://[^\s)]+", line)
            if match:
                url = match.group(0)
                isolated = "cross-origin isolated" in line
        if url is None:
            fail(where, "never printed a URL\n" + "".join(output[-15:]))
            return
        parts = urllib.parse.urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        connection.request("GET", parts.path or "/")
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            fail(where, f"{url} answered {response.status}")
        if isolated and (response.getheader("Cross-Origin-Opener-Policy") != "same-origin" or
                         response.getheader("Cross-Origin-Embedder-Policy") != "require-corp"):
            fail(where, f"{url} says cross-origin isolated but lacks COOP/COEP")
    except OSError as error:
        fail(where, f"request failed: {error}\n" + "".join(output[-15:]))
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def check_blocks():
    count = {"runnable": 0, "runnable-server": 0, "norun": 0}
    scratch = []
    for path in DOCUMENTS:
        cwd = None
        for line, info, body in code_blocks(path):
            if not info or info[0] not in SHELL_LANGUAGES:
                continue
            where = f"{path.relative_to(ROOT)}:{line}"
            kinds = [word for word in info[1:] if word in count]
            if len(kinds) != 1:
                fail(where, "a shell block must say runnable, runnable-server or norun")
                continue
            count[kinds[0]] += 1
            if kinds[0] == "norun":
                continue
            if "cmake --preset" in body:
                # Configured from the scratch directory, the build tree would
                # take that directory as its source and break once it is gone.
                fail(where, "cmake --preset cannot run here: mark the block norun")
                continue
            if cwd is None:
                cwd = scratch_dir()
                scratch.append(cwd)
            env = dict(os.environ, HOST="127.0.0.1", PORT=str(free_port()))
            print(f"  {where}: {kinds[0]}: {body.strip().splitlines()[0]}", flush=True)
            if kinds[0] == "runnable":
                run_block(where, body, cwd, env)
            else:
                run_server_block(where, body, cwd, env)
    for directory in scratch:
        shutil.rmtree(directory)
    print(f"shell blocks: {count['runnable']} run, {count['runnable-server']} served, "
          f"{count['norun']} shown only")
    summary.append(f"{count['runnable']} blocks run, {count['runnable-server']} served")
    if count["runnable"] == 0:
        fail("documents", "no runnable block found: the parser or the documents are broken")


def slug(heading):
    """GitHub's anchor for a heading."""
    text = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


@functools.cache
def anchors(path):
    found = set()
    in_block = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if re.match(r"^\s*(```|~~~)", line):
            in_block = not in_block
        elif not in_block and (match := re.match(r"^#{1,6}\s+(.*)$", line)):
            base = slug(match.group(1))
            name, n = base, 1
            while name in found:
                name, n = f"{base}-{n}", n + 1
            found.add(name)
    return found


def check_links():
    checked = 0
    for path in DOCUMENTS:
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"(?ms)^\s*(```|~~~).*?^\s*\1", "", text)
        for line_no, line in enumerate(text.splitlines(), 1):
            for target in re.findall(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)", line):
                if re.match(r"^[a-z]+:", target):
                    continue
                file_part, _, anchor = target.partition("#")
                linked = (path.parent / file_part).resolve() if file_part else path
                where = f"{path.relative_to(ROOT)}: link {target}"
                checked += 1
                if not linked.exists():
                    fail(where, "no such file")
                elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
                    fail(where, "no such heading")
    print(f"links: {checked} relative links checked")
    summary.append(f"{checked} links")


def check_cli_and_man():
    if not CLI.exists():
        fail("cli", f"{CLI} missing: run make native")
        return
    overview = subprocess.run([CLI, "--help"], capture_output=True, text=True)
    commands = re.findall(r"^  ([a-z]+) ", overview.stdout.split("Commands:")[1].split("\n\n")[0],
                          re.M)
    if overview.returncode != 0 or len(commands) < 6:
        fail("wavepool --help", f"exit {overview.returncode}, commands {commands}")
    man_source = (ROOT / "docs/wavepool.1").read_text(encoding="utf-8").replace("\\-", "-")
    options = 0
    for command in commands:
        result = subprocess.run([CLI, command, "--help"], capture_output=True, text=True)
        if result.returncode != 0 or not result.stdout.startswith(f"Usage: wavepool {command}"):
            fail(f"wavepool {command} --help", f"exit {result.returncode}")
        if not re.search(rf"\b{command}\b", man_source):
            fail("docs/wavepool.1", f"does not describe the command {command}")
        for option in sorted(set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", result.stdout))):
            options += 1
            if option not in man_source:
                fail("docs/wavepool.1", f"lacks {option} (wavepool {command} --help has it)")
    groff = subprocess.run(["groff", "-man", "-ww", "-z", "docs/wavepool.1"],
                           capture_output=True, text=True)
    if groff.returncode != 0 or groff.stderr:
        fail("docs/wavepool.1", "groff warnings:\n" + groff.stderr)
    manual = subprocess.run(["man", "-l", "docs/wavepool.1"], capture_output=True, text=True,
                            env=dict(os.environ, MANPAGER="cat", MANWIDTH="80"))
    if manual.returncode != 0 or "SYNOPSIS" not in manual.stdout:
        fail("man ./docs/wavepool.1", f"exit {manual.returncode}: {manual.stderr.strip()}")
    print(f"cli: {len(commands)} commands, {options} options in --help, all in the man page")
    summary.append(f"{options} CLI options in the man page")


def check_doxygen():
    log = ROOT / "build/docs/warnings.log"
    if not (ROOT / "build/docs/html/index.html").exists() or not log.exists():
        fail("make docs", "build/docs not generated")
    elif log.read_text().strip():
        fail("make docs", "Doxygen warnings:\n" + log.read_text())
    else:
        print("doxygen: no warnings")


def main():
    check_links()
    check_cli_and_man()
    check_doxygen()
    check_blocks()
    for failure in failures:
        print(f"FAIL {failure}")
    if failures:
        print(f"# fail {len(failures)} problems")
    else:
        print(f"# pass {', '.join(summary)}, Doxygen clean")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
