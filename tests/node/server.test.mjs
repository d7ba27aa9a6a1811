// The development server (web/serve.py), the deployment snippets (deploy/)
// and scripts/make-coi-site.sh.
//
// Starts serve.py on port 0 over a temporary root (with a secret file next to
// it, outside the root, and symlinks pointing out) and checks status codes,
// the cross-origin isolation headers on every kind of response, MIME types,
// HEAD, the method restriction, path traversal attempts and --no-isolation.
// The deployment snippets are checked to carry the same header values as
// serve.py; nginx, if installed (or named by $NGINX), serves the snippet for
// real.
//
//   node --no-experimental-fetch --test tests/node/server.test.mjs
//
// Requests use node:http: the flag above removes fetch.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync,
  existsSync,
} from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { startServer as startServeProcess, stopServer as stopServeProcess } from '../e2e/harness.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SERVE = path.join(ROOT, 'web', 'serve.py');
const DEPLOY = path.join(ROOT, 'deploy');
const COI_SCRIPT = path.join(ROOT, 'scripts', 'make-coi-site.sh');
const SW_NAME = 'coi-serviceworker.min.js';
const SW_FILE = path.join(ROOT, 'node_modules', 'coi-serviceworker', SW_NAME);

// The header values, read from serve.py itself so the snippets are compared
// with what the server really sends.
const ISOLATION = (() => {
  const src = readFileSync(SERVE, 'utf8');
  const block = src.match(/^ISOLATION_HEADERS = \(([\s\S]*?)^\)/m);
  assert.ok(block, 'ISOLATION_HEADERS not found in serve.py');
  const pairs = [...block[1].matchAll(/\("([^"]+)", "([^"]+)"\)/g)].map((m) => [m[1], m[2]]);
  assert.equal(pairs.length, 3, 'serve.py should define three isolation headers');
  return pairs;
})();
const EXPECTED_ISOLATION = [
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Embedder-Policy', 'require-corp'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
];

// ---- Fixture ---------------------------------------------------------------

const tmp = mkdtempSync(path.join(os.tmpdir(), 'wavepool-serve-'));
const SECRET = `top-secret-${randomBytes(8).toString('hex')}`;
const site = path.join(tmp, 'site');
const FILES = {
  'index.html': '<!doctype html><title>t</title><p>index</p>\n',
  'a.wasm': Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]),
  'b.mjs': 'export const b = 1;\n',
  'b.js': 'var b = 1;\n',
  'e.json': '{"e": 1}\n',
  'f.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>\n',
  'g.png': Buffer.from([0x89, 0x50, 0x4e, 0x47]),
  'h.wav': Buffer.from('RIFF\0\0\0\0WAVE'),
  'i.webmanifest': '{"name": "wavepool"}\n',
  'j.unknownext': 'x',
  'subdir/c.css': 'p { color: red; }\n',
  'withindex/index.html': '<p>nested index</p>\n',
  '.hidden': SECRET,
};
for (const [name, content] of Object.entries(FILES)) {
  mkdirSync(path.dirname(path.join(site, name)), { recursive: true });
  writeFileSync(path.join(site, name), content);
}
writeFileSync(path.join(tmp, 'secret'), SECRET);
mkdirSync(path.join(site, 'emptydir'));
symlinkSync(path.join(tmp, 'secret'), path.join(site, 'link-out'));        // file outside
symlinkSync(tmp, path.join(site, 'dir-out'));                              // directory outside
symlinkSync('a.wasm', path.join(site, 'link-in.wasm'));                    // stays inside: served
mkdirSync(path.join(site, 'index-out'));
symlinkSync(path.join(tmp, 'secret'), path.join(site, 'index-out', 'index.html'));

after(() => rmSync(tmp, { recursive: true, force: true }));

// ---- Helpers ---------------------------------------------------------------

// serve.py on port 0 serving `root` (the test site by default); resolves
// {proc, url, port, banner, stderr()} once it printed its URL line.
const startServer = (args, root = site) => startServeProcess(args, { root }).ready;
const stopServer = (server) => stopServeProcess(server?.proc);

// One request; `target` is sent verbatim (no normalisation of ".." or
// escapes). Resolves {status, headers, body: Buffer}.
function request(port, target, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: target, method, headers,
      agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers,
        body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// A request written byte for byte on a socket, for targets node:http refuses
// to send; resolves the raw response text.
function rawRequest(port, text) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1', () => sock.end(text));
    const chunks = [];
    sock.on('data', (c) => chunks.push(c));
    sock.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    sock.on('error', reject);
  });
}

function assertIsolation(res, what) {
  for (const [name, value] of EXPECTED_ISOLATION)
    assert.equal(res.headers[name.toLowerCase()], value, `${name} on ${what}`);
}

function assertNoIsolation(res, what) {
  for (const [name] of EXPECTED_ISOLATION)
    assert.equal(res.headers[name.toLowerCase()], undefined, `${name} on ${what}`);
}

// ---- serve.py --------------------------------------------------------------

describe('serve.py (cross-origin isolated)', () => {
  let server;
  before(async () => { server = await startServer([]); });
  after(() => stopServer(server));

  test('prints the URL line: loopback host, the real port', () => {
    assert.match(server.banner,
      /^wavepool: serving .+ at http:\/\/127\.0\.0\.1:\d+\/ \(cross-origin isolated\)$/);
    assert.ok(server.port > 0 && server.port < 65536, `port ${server.port}`);
    assert.equal(server.stderr(), '', 'no warning for a loopback address');
  });

  test('serve.py defines exactly the three expected isolation headers', () => {
    assert.deepEqual(ISOLATION, EXPECTED_ISOLATION);
  });

  test('200: index.html for /, with the isolation headers and no-store', async () => {
    const res = await request(server.port, '/');
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), FILES['index.html']);
    assertIsolation(res, '/');
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(Number(res.headers['content-length']), res.body.length);
  });

  test('MIME types', async () => {
    const types = {
      '/index.html': 'text/html; charset=utf-8',
      '/a.wasm': 'application/wasm',
      '/link-in.wasm': 'application/wasm',
      '/b.mjs': 'text/javascript; charset=utf-8',
      '/b.js': 'text/javascript; charset=utf-8',
      '/e.json': 'application/json',
      '/subdir/c.css': 'text/css; charset=utf-8',
      '/f.svg': 'image/svg+xml',
      '/g.png': 'image/png',
      '/h.wav': 'audio/wav',
      '/i.webmanifest': 'application/manifest+json',
      '/j.unknownext': 'application/octet-stream',
      '/withindex/': 'text/html; charset=utf-8',
    };
    for (const [target, type] of Object.entries(types)) {
      const res = await request(server.port, target);
      assert.equal(res.status, 200, target);
      assert.equal(res.headers['content-type'], type, target);
      assertIsolation(res, target);
    }
    const wasm = await request(server.port, '/a.wasm');
    assert.deepEqual(wasm.body, FILES['a.wasm']);
  });

  test('HEAD: same status and headers as GET, no body', async () => {
    for (const target of ['/', '/a.wasm', '/subdir/c.css', '/no-such-file']) {
      const get = await request(server.port, target);
      const head = await request(server.port, target, { method: 'HEAD' });
      assert.equal(head.status, get.status, target);
      assert.equal(head.body.length, 0, `HEAD ${target} sent a body`);
      for (const name of ['content-type', 'content-length', 'cache-control',
        ...EXPECTED_ISOLATION.map(([n]) => n.toLowerCase())])
        assert.equal(head.headers[name], get.headers[name], `${name} of HEAD ${target}`);
    }
  });

  test('404 for missing files carries the isolation headers', async () => {
    const res = await request(server.port, '/no-such-file.wasm');
    assert.equal(res.status, 404);
    assertIsolation(res, '404');
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  test('methods other than GET and HEAD: 405 with Allow and the isolation headers', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE']) {
      const res = await request(server.port, '/index.html',
        { method, body: method === 'POST' || method === 'PUT' ? 'data' : undefined });
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.allow, 'GET, HEAD', method);
      assertIsolation(res, `405 for ${method}`);
    }
    // A made-up method too (not 501).
    const raw = await rawRequest(server.port, 'BREW / HTTP/1.0\r\n\r\n');
    assert.match(raw, /^HTTP\/1\.[01] 405 /);
    assert.match(raw, /\r\nAllow: GET, HEAD\r\n/);
  });

  test('directories: redirect to the slash form, index.html or 404, never a listing',
    async () => {
      const redirect = await request(server.port, '/subdir?x=1');
      assert.equal(redirect.status, 301);
      assert.equal(redirect.headers.location, '/subdir/?x=1');
      assertIsolation(redirect, '301');
      const listing = await request(server.port, '/subdir/');
      assert.equal(listing.status, 404);
      assert.ok(!listing.body.toString().includes('c.css'), 'directory listed');
      assert.equal((await request(server.port, '/emptydir/')).status, 404);
      const nested = await request(server.port, '/withindex/');
      assert.equal(nested.body.toString(), FILES['withindex/index.html']);
      // "//host" must never come back as a Location (an open redirect).
      const slashes = await request(server.port, '//subdir');
      assert.equal(slashes.status, 301);
      assert.equal(slashes.headers.location, '/subdir/');
    });

  test('path traversal never returns the secret', async () => {
    const attempts = [
      '/../secret', '/%2e%2e/secret', '/%2E%2E/secret', '/..%2fsecret', '/..%2Fsecret',
      '/subdir/../../secret', '/subdir/%2e%2e/%2e%2e/secret', '/subdir/..%5c..%5csecret',
      '/..\\secret', '/%2e%2e%5csecret', '/secret%00.html', '/%00', '/%ff',
      '/link-out', '/dir-out/secret', '/dir-out/', '/index-out/', '/.hidden', '/%2ehidden',
      '/subdir/%2e/../.hidden', `/${encodeURIComponent(tmp)}/secret`, '//etc/passwd',
    ];
    for (const target of attempts) {
      const res = await request(server.port, target);
      assert.ok(!res.body.toString().includes(SECRET), `${target} leaked the secret`);
      assert.ok([400, 404].includes(res.status), `${target}: status ${res.status}`);
      assertIsolation(res, target);
    }
    // Targets node:http will not send as they are, and the absolute form.
    for (const target of ['/../secret', '/..\\secret', 'http://127.0.0.1/../secret',
      'secret', '*']) {
      const raw = await rawRequest(server.port, `GET ${target} HTTP/1.0\r\n\r\n`);
      assert.match(raw, /^HTTP\/1\.[01] (400|404) /, `raw ${target}`);
      assert.ok(!raw.includes(SECRET), `raw ${target} leaked the secret`);
    }
    const absolute = await rawRequest(server.port,
      `GET http://127.0.0.1:${server.port}/b.mjs HTTP/1.0\r\n\r\n`);
    assert.match(absolute, /^HTTP\/1\.[01] 200 /, 'absolute-form request target');
  });

  test('Host header: loopback names pass, others get 403 (DNS rebinding)', async () => {
    for (const host of ['localhost', `localhost:${server.port}`, '127.0.0.1', '[::1]:8000',
      'app.localhost'])
      assert.equal((await request(server.port, '/', { headers: { Host: host } })).status,
        200, host);
    for (const host of ['evil.example', `evil.example:${server.port}`,
      'evil.example@127.0.0.1', '127.0.0.1.evil.example']) {
      const res = await request(server.port, '/', { headers: { Host: host } });
      assert.equal(res.status, 403, host);
      assert.ok(!res.body.toString().includes('index'), host);
      assertIsolation(res, `403 for ${host}`);
    }
  });
});

describe('serve.py --no-isolation', () => {
  let server;
  before(async () => { server = await startServer(['--no-isolation']); });
  after(() => stopServer(server));

  test('announces it and omits COOP/COEP/CORP on 200, 404 and 405', async () => {
    assert.match(server.banner, / \(no isolation headers\)$/);
    const page = await request(server.port, '/');
    assert.equal(page.status, 200);
    assertNoIsolation(page, '200');
    assert.equal(page.headers['cache-control'], 'no-store');
    const wasm = await request(server.port, '/a.wasm');
    assert.equal(wasm.headers['content-type'], 'application/wasm');
    assertNoIsolation(await request(server.port, '/missing'), '404');
    const post = await request(server.port, '/', { method: 'POST', body: 'x' });
    assert.equal(post.status, 405);
    assertNoIsolation(post, '405');
  });
});

describe('serve.py options', () => {
  test('a missing --root and an invalid port fail with status 2', () => {
    const missing = spawnSync('python3', [SERVE, '--root', path.join(tmp, 'nope'), '--port', '0'],
      { encoding: 'utf8' });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /is not a directory/);
    const port = spawnSync('python3', [SERVE, '--root', site, '--port', '70000'],
      { encoding: 'utf8' });
    assert.equal(port.status, 2);
  });

  test('--host ::1 prints a bracketed URL and serves', async (t) => {
    const probe = net.createServer();
    const ipv6 = await new Promise((resolve) => {
      probe.once('error', () => resolve(false));
      probe.listen(0, '::1', () => probe.close(() => resolve(true)));
    });
    if (!ipv6) { t.skip('no IPv6 loopback'); return; }
    const server = await startServer(['--host', '::1']);
    try {
      assert.match(server.url, /^http:\/\/\[::1\]:\d+\/$/);
      const res = await new Promise((resolve, reject) => {
        http.get({ host: '::1', port: server.port, path: '/a.wasm' }, (r) => {
          r.resume();
          r.on('end', () => resolve(r));
        }).on('error', reject);
      });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'application/wasm');
    } finally {
      await stopServer(server);
    }
  });
});

// ---- Deployment snippets ---------------------------------------------------

describe('deploy/ snippets agree with serve.py', () => {
  const read = (name) => readFileSync(path.join(DEPLOY, name), 'utf8');
  // Comments removed, so a header named only in a comment does not count.
  const code = (text) => text.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');

  test('_headers: the three headers for /*, application/wasm for /*.wasm', () => {
    // Netlify / Cloudflare syntax: a path line, then indented "Name: value" lines.
    const rules = new Map();
    let current = null;
    for (const line of code(read('_headers')).split('\n')) {
      if (!line.trim()) continue;
      if (/^\S/.test(line)) {
        current = line.trim();
        assert.ok(!rules.has(current), `${current} twice`);
        rules.set(current, []);
      } else {
        assert.ok(current, `header before any path: ${line}`);
        const m = line.match(/^\s+([A-Za-z-]+):\s*(.+?)\s*$/);
        assert.ok(m, `not a "Name: value" line: ${line}`);
        rules.get(current).push([m[1], m[2]]);
      }
    }
    const all = rules.get('/*');
    assert.ok(all, 'no /* rule');
    for (const pair of ISOLATION) assert.ok(all.some(([n, v]) => n === pair[0] && v === pair[1]),
      `/* lacks ${pair.join(': ')}`);
    assert.deepEqual(rules.get('/*.wasm'), [['Content-Type', 'application/wasm']]);
  });

  test('nginx.conf: add_header ... always for the three, wasm and js types, gzip', () => {
    const conf = code(read('nginx.conf'));
    for (const [name, value] of ISOLATION)
      assert.match(conf, new RegExp(`^\\s*add_header\\s+${name}\\s+"?${value}"?\\s+always;`, 'm'),
        `add_header ${name} ${value} always`);
    // add_header inside a location would drop the server-level ones there.
    const locations = conf.split(/^\s*location\b/m).slice(1);
    assert.ok(locations.length > 0);
    for (const loc of locations) assert.doesNotMatch(loc, /add_header/);
    assert.match(conf, /default_type\s+application\/wasm;/);
    assert.match(conf, /default_type\s+text\/javascript;/);
    assert.match(conf, /^\s*gzip\s+on;/m);
    assert.match(conf, /gzip_types[^;]*application\/wasm/);
    assert.match(conf, /gzip_types[^;]*text\/javascript/);
  });

  test('Caddyfile: header block with the three values, wasm type, encode', () => {
    const conf = code(read('Caddyfile'));
    for (const [name, value] of ISOLATION)
      assert.match(conf, new RegExp(`^\\s*${name}\\s+"${value}"\\s*$`, 'm'), `${name} ${value}`);
    assert.match(conf, /header\s+@wasm\s+Content-Type\s+"application\/wasm"/);
    assert.match(conf, /@wasm\s+path\s+\*\.wasm/);
    assert.match(conf, /^\s*encode\b/m);
    assert.match(conf, /header Content-Type application\/wasm\*/);
  });

  // nginx is not part of the toolchain: run only where it is installed, or
  // where $NGINX names a binary.
  const nginx = process.env.NGINX ||
    ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
  test('nginx.conf: nginx accepts it and serves the headers, types and gzip',
    { skip: nginx ? false : 'nginx not installed' }, async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'wavepool-nginx-'));
      let proc;
      try {
        mkdirSync(path.join(dir, 'tmp'));
        const port = await new Promise((resolve) => {
          const s = net.createServer().listen(0, '127.0.0.1', () => {
            const p = s.address().port;
            s.close(() => resolve(p));
          });
        });
        // The snippet as shipped, with the test's address and root instead of
        // the TLS listeners (no certificate here).
        const server = read('nginx.conf')
          .replace(/^\s*(listen|ssl_certificate|ssl_certificate_key)\s.*$/gm, '')
          .replace(/^(\s*)root\s+[^;]+;/m, `$1listen 127.0.0.1:${port};\n$1root ${site};`);
        writeFileSync(path.join(dir, 'server.conf'), server);
        const t = path.join(dir, 'tmp');
        writeFileSync(path.join(dir, 'nginx.conf'), `
daemon off; master_process off; worker_processes 1;
pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events {}
http {
  access_log off;
  client_body_temp_path ${t}; proxy_temp_path ${t}; fastcgi_temp_path ${t};
  uwsgi_temp_path ${t}; scgi_temp_path ${t};
  include ${dir}/server.conf;
}
`);
        const check = spawnSync(nginx, ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf')],
          { encoding: 'utf8' });
        assert.equal(check.status, 0, check.stderr);
        proc = spawn(nginx, ['-p', dir, '-c', path.join(dir, 'nginx.conf')],
          { stdio: ['ignore', 'ignore', 'pipe'] });
        let res;
        for (let i = 0; i < 100; i++) {
          try { res = await request(port, '/'); break; } catch { /* not up yet */ }
          await new Promise((r) => setTimeout(r, 50));
        }
        assert.ok(res, 'nginx did not answer');
        assert.equal(res.status, 200);
        assertIsolation(res, 'nginx 200');
        assertIsolation(await request(port, '/no-such-file'), 'nginx 404');
        assert.equal((await request(port, '/.hidden')).status, 404);
        const wasm = await request(port, '/a.wasm');
        assert.equal(wasm.headers['content-type'], 'application/wasm');
        assertIsolation(wasm, 'nginx wasm');
        for (const f of ['/b.mjs', '/b.js'])
          assert.match((await request(port, f)).headers['content-type'], /^text\/javascript\b/, f);
        // gzip for a wasm file above gzip_min_length.
        const big = Buffer.alloc(4096, 0);
        writeFileSync(path.join(site, 'big.wasm'), big);
        const gz = await request(port, '/big.wasm', { headers: { 'Accept-Encoding': 'gzip' } });
        assert.equal(gz.headers['content-encoding'], 'gzip');
        assert.deepEqual(gunzipSync(gz.body), big);
        assert.equal(gz.headers['cache-control'], 'no-cache');
      } finally {
        rmSync(path.join(site, 'big.wasm'), { force: true });
        if (proc) {
          const exited = new Promise((resolve) => proc.once('exit', resolve));
          proc.kill('SIGTERM');
          await exited;
        }
        rmSync(dir, { recursive: true, force: true });
      }
    });
});

// ---- scripts/make-coi-site.sh ----------------------------------------------

describe('scripts/make-coi-site.sh', () => {
  const coiSite = path.join(tmp, 'coi-src');
  before(() => {
    // The real page's index.html, so the test sees the real <head>.
    mkdirSync(path.join(coiSite, 'engine'), { recursive: true });
    writeFileSync(path.join(coiSite, 'index.html'),
      readFileSync(path.join(ROOT, 'web', 'index.html')));
    writeFileSync(path.join(coiSite, 'app.js'), FILES['b.js']);
    writeFileSync(path.join(coiSite, 'engine', 'x.wasm'), FILES['a.wasm']);
  });

  test('copies the site and puts the service worker first in <head>', () => {
    const out = path.join(tmp, 'coi-out');
    execFileSync(COI_SCRIPT, [out, coiSite], { stdio: 'pipe' });
    assert.deepEqual(readFileSync(path.join(out, SW_NAME)), readFileSync(SW_FILE));
    assert.deepEqual(readFileSync(path.join(out, 'engine', 'x.wasm')), FILES['a.wasm']);
    assert.ok(existsSync(path.join(out, '.nojekyll')));
    const html = readFileSync(path.join(out, 'index.html'), 'utf8');
    const head = html.match(/<head(?:\s[^>]*)?>([\s\S]*?)<\/head>/i);
    assert.ok(head, 'no <head>');
    const first = head[1].match(/<[a-z][^>]*>/i)[0];
    assert.equal(first, `<script src="${SW_NAME}">`, 'first element in <head>');
    const scripts = [...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0]);
    assert.equal(scripts[0], `<script src="${SW_NAME}">`, 'first script');
    assert.equal(scripts.filter((s) => s.includes(SW_NAME)).length, 1);
    assert.ok(scripts.length > 1, 'the app\'s own script is still there');
    // The rest of the page is unchanged; the source is untouched.
    const original = readFileSync(path.join(coiSite, 'index.html'), 'utf8');
    assert.equal(html.replace(`\n  <script src="${SW_NAME}"></script>`, ''), original);
    assert.ok(!existsSync(path.join(coiSite, SW_NAME)));
  });

  test('refuses a non-empty output directory and a page without <head>', () => {
    const out = path.join(tmp, 'coi-out2');
    mkdirSync(out);
    writeFileSync(path.join(out, 'keep'), 'x');
    const busy = spawnSync(COI_SCRIPT, [out, coiSite], { encoding: 'utf8' });
    assert.notEqual(busy.status, 0);
    assert.match(busy.stderr, /not empty/);
    assert.deepEqual(readdirSync(out), ['keep']);
    const headless = path.join(tmp, 'coi-headless');
    mkdirSync(headless);
    writeFileSync(path.join(headless, 'index.html'), '<p>no head</p>\n');
    const r = spawnSync(COI_SCRIPT, [path.join(tmp, 'coi-out3'), headless], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /no <head>/);
  });

  test('serve.py --no-isolation serves the staged site with the worker as JavaScript',
    async () => {
      const out = path.join(tmp, 'coi-out');
      const server = await startServer(['--no-isolation'], out);
      try {
        const sw = await request(server.port, `/${SW_NAME}`);
        assert.equal(sw.status, 200);
        assert.match(sw.headers['content-type'], /^text\/javascript\b/);
        assert.deepEqual(sw.body, readFileSync(SW_FILE));
        // Dot files are not served, .nojekyll included (it is for Pages only).
        assert.equal((await request(server.port, '/.nojekyll')).status, 404);
      } finally {
        await stopServer(server);
      }
    });
});
