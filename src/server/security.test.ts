/**
 * Who may ask, and what every answer carries: the token (Bearer header, or the cookie set by opening
 * /?token=T once) on every request including page, assets and events; the Host check against DNS
 * rebinding on loopback; strict headers on every status; the page's files served safely.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fetchRaw, ingestLab, startTestServer, type Answer, type TestServer } from '../testing/server.js';
import { CONTENT_SECURITY_POLICY } from './security.js';
import { safePath } from './static.js';

const dir = mkdtempSync(join(tmpdir(), 'flowmap-sec-'));
const db = join(dir, 'lab.duckdb');
const web = join(dir, 'web');
const TOKEN = 'test-token-0123456789abcdef';
const INDEX = '<!doctype html><html><head><script type="module" src="/assets/index-3f2a1b.js"></script><link rel="stylesheet" href="/assets/index-9c8d7e.css"></head><body></body></html>';

function headersOk(a: Answer, what: string): void {
  assert.equal(a.headers['content-security-policy'], CONTENT_SECURITY_POLICY, what);
  assert.equal(a.headers['x-content-type-options'], 'nosniff', what);
  assert.equal(a.headers['referrer-policy'], 'no-referrer', what);
  assert.equal(a.headers['cross-origin-opener-policy'], 'same-origin', what);
}

/** The first chunk of an event stream, then hang up. */
function firstEvent(base: string, headers: Record<string, string>): Promise<{ status: number; type: string; text: string }> {
  const u = new URL('/api/v1/events', base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, headers }, (res) => {
      res.once('data', (d: Buffer) => {
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), text: d.toString() });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('security', () => {
  let open: TestServer;
  let locked: TestServer;
  before(async () => {
    ingestLab(dir, db);
    mkdirSync(join(web, 'assets'), { recursive: true });
    writeFileSync(join(web, 'index.html'), INDEX);
    writeFileSync(join(web, 'assets', 'index-3f2a1b.js'), 'console.log(1);\n');
    writeFileSync(join(web, 'assets', 'index-9c8d7e.css'), 'body{margin:0}\n');
    writeFileSync(join(web, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(web, '.env'), 'SECRET=1');
    writeFileSync(join(dir, 'outside.txt'), 'not for the web');
    open = await startTestServer(db, { webRoot: web });
    locked = await startTestServer(db, { webRoot: web, token: TOKEN });
  });
  after(async () => {
    await open?.stop();
    await locked?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('with a token: 401 without it or with a wrong one, on the API, the page, the assets and the events', async () => {
    for (const path of ['/api/v1/meta', '/api/v1/top/edges', '/', '/index.html', '/assets/index-3f2a1b.js', '/api/v1/events', '/api/v1/openapi.json', '/nothing']) {
      const a = await fetchRaw(locked.url, path);
      assert.equal(a.status, 401, path);
      assert.match(a.json<{ error: string }>().error, /authentication required/);
      assert.equal(a.headers['www-authenticate'], 'Bearer realm="flowmap"');
      headersOk(a, `401 ${path}`);
      const wrong = await fetchRaw(locked.url, path, { authorization: `Bearer ${TOKEN}x` });
      assert.equal(wrong.status, 401, path);
      assert.equal(wrong.json<{ error: string }>().error, 'wrong token');
      const cookie = await fetchRaw(locked.url, path, { cookie: 'flowmap_token=nope' });
      assert.equal(cookie.status, 401, path);
    }
    // The token in the query string is for opening the page, not for API calls.
    assert.equal((await fetchRaw(locked.url, `/api/v1/meta?token=${TOKEN}`)).status, 401);
  });

  it('with a token: the Bearer header opens everything, whatever the Host', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    assert.equal((await fetchRaw(locked.url, '/api/v1/meta', auth)).status, 200);
    assert.equal((await fetchRaw(locked.url, '/', auth)).text, INDEX);
    assert.equal((await fetchRaw(locked.url, '/api/v1/meta', { ...auth, host: 'flowmap.example.net' })).status, 200);
    const ev = await firstEvent(locked.url, auth);
    assert.equal(ev.status, 200);
    assert.match(ev.type, /^text\/event-stream/);
  });

  it('with a token: /?token=T sets an HttpOnly SameSite=Strict cookie and redirects to the URL without it; the cookie then works', async () => {
    const a = await fetchRaw(locked.url, `/?view=map&token=${TOKEN}`);
    assert.equal(a.status, 302);
    assert.equal(a.headers.location, '/?view=map');
    headersOk(a, '302');
    const setCookie = (a.headers['set-cookie'] as string[])[0];
    assert.match(setCookie, new RegExp(`^flowmap_token=${TOKEN};`));
    assert.match(setCookie, /; HttpOnly/);
    assert.match(setCookie, /; SameSite=Strict/);
    assert.match(setCookie, /; Path=\//);
    const cookie = { cookie: setCookie.split(';')[0] };
    const page = await fetchRaw(locked.url, '/?view=map', cookie);
    assert.equal(page.status, 200);
    assert.equal(page.text, INDEX);
    assert.equal((await fetchRaw(locked.url, '/assets/index-3f2a1b.js', cookie)).status, 200);
    assert.equal((await fetchRaw(locked.url, '/api/v1/top/talkers', cookie)).status, 200);
    assert.equal((await firstEvent(locked.url, cookie)).status, 200);
    const bad = await fetchRaw(locked.url, '/?token=wrong-token-0123456789');
    assert.equal(bad.status, 401);
    assert.equal(bad.headers['set-cookie'], undefined);
  });

  it('without a token on loopback: 403 for any Host but localhost, 127.0.0.1 and [::1] (DNS rebinding)', async () => {
    const port = new URL(open.url).port;
    for (const host of ['evil.example', `evil.example:${port}`, '127.0.0.1.evil.example', 'localhost.evil.example', `192.168.1.5:${port}`]) {
      const a = await fetchRaw(open.url, '/api/v1/meta', { host });
      assert.equal(a.status, 403, `Host: ${host}`);
      assert.match(a.json<{ error: string }>().error, /only requests addressed to localhost/);
      headersOk(a, '403');
    }
    for (const host of ['localhost', `localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      assert.equal((await fetchRaw(open.url, '/api/v1/meta', { host })).status, 200, `Host: ${host}`);
    }
    // No Host header at all: Node's HTTP server refuses it (400) before the app would (403).
    const none = await new Promise<number>((resolve, reject) => {
      const u = new URL(open.url);
      const req = request({ host: u.hostname, port: u.port, path: '/api/v1/meta', setHost: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    assert.ok(none === 400 || none === 403, `no Host: ${none}`);
  });

  it('strict headers on every answer: 200 JSON, 400, 404, page, assets, downloads', async () => {
    for (const path of ['/api/v1/meta', '/api/v1/top/edges?limit=0', '/api/v1/nothing', '/', '/assets/index-3f2a1b.js', '/missing.js', '/api/v1/export/csv?top=3']) {
      headersOk(await fetchRaw(open.url, path), path);
    }
    const meta = await fetchRaw(open.url, '/api/v1/meta');
    assert.equal(meta.headers['content-type'], 'application/json');
    assert.equal(meta.headers['cache-control'], 'no-store');
  });

  it('the page: content types, immutable hashed assets, index revalidated, nothing outside the root', async () => {
    const get = (p: string) => fetchRaw(open.url, p);
    const index = await get('/');
    assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(index.headers['cache-control'], 'no-cache');
    const js = await get('/assets/index-3f2a1b.js');
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal((await get('/assets/index-9c8d7e.css')).headers['content-type'], 'text/css; charset=utf-8');
    assert.equal((await get('/favicon.svg')).headers['content-type'], 'image/svg+xml');
    for (const p of ['/.env', '/assets/', '/assets', '/../outside.txt', '/%2e%2e/outside.txt', '/assets/..%2f..%2foutside.txt', '/..%5coutside.txt', '/index.html%00.js', '/%ZZ', '/missing.js']) {
      const a = await get(p);
      assert.equal(a.status, 404, `${p}: ${a.status}`);
      assert.doesNotMatch(a.text, /not for the web|SECRET/);
    }
    assert.equal(safePath('/srv/web', '/../x'), null);
    assert.equal(safePath('/srv/web', '/a/%2e%2e/%2e%2e/x'), null);
    assert.equal(safePath('/srv/web', '/'), '/srv/web/index.html');
    assert.equal(safePath('/srv/web', '/assets/a.js'), '/srv/web/assets/a.js');
  });

  it('the page not built: a clear 404', async () => {
    const bare = await startTestServer(db, { webRoot: join(dir, 'no-web') });
    try {
      const a = await fetchRaw(bare.url, '/');
      assert.equal(a.status, 404);
      assert.match(a.json<{ error: string }>().error, /the web page is not built/);
    } finally {
      await bare.stop();
    }
  });
});
