/**
 * HTTPS and the rule that a listener beyond loopback needs a token, kept by the server itself: a
 * self-signed certificate made by openssl, a real TLS handshake, the token cookie marked Secure.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../config/schema.js';
import { ServiceRegistry } from '../services/registry.js';
import { WorkerStore } from '../store/worker-store.js';
import { startServe } from '../testing/server.js';
import { hasTools, requireTool } from '../testing/tools.js';
import { apiDeps } from './deps.js';
import { startServer } from './server.js';

const TOKEN = 'tls-test-token-0123456789abcdef';
const noOpenssl = hasTools('openssl') ? false : 'openssl is not installed (scripts/test-env.sh installs it)';

/** GET over HTTPS trusting exactly this certificate (verification stays on: a wrong certificate fails). */
function httpsGet(url: string, ca: Buffer | undefined, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('TLS and the token rule', { skip: noOpenssl }, () => {
  let dir: string;
  let cert: string;
  let key: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'flowmap-tls-'));
    cert = join(dir, 'cert.pem');
    key = join(dir, 'key.pem');
    execFileSync(requireTool('openssl'), ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'pipe' });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serve --tls-cert --tls-key answers HTTPS; the token cookie is Secure', async () => {
    const s = await startServe(join(dir, 'tls.duckdb'), ['--netflow', '0', '--tls-cert', cert, '--tls-key', key, '--token', TOKEN]);
    try {
      assert.match(s.url, /^https:\/\/127\.0\.0\.1:\d+\/$/);
      const ca = readFileSync(cert);
      const meta = await httpsGet(`${s.url}api/v1/meta`, ca, { authorization: `Bearer ${TOKEN}` });
      assert.equal(meta.status, 200, meta.text);
      assert.equal((JSON.parse(meta.text) as { version: string }).version.length > 0, true);
      assert.equal((await httpsGet(`${s.url}metrics`, ca)).status, 401);
      const open = await httpsGet(`${s.url}?token=${TOKEN}`, ca);
      assert.equal(open.status, 302);
      const cookie = String(open.headers['set-cookie']);
      assert.match(cookie, new RegExp(`^flowmap_token=${TOKEN};`));
      assert.match(cookie, /; Secure(;|$)/);
      assert.match(cookie, /; HttpOnly/);
      // A client without this certificate among its CAs refuses the server (verification is on).
      await assert.rejects(httpsGet(`${s.url}api/v1/meta`, undefined), /self-signed certificate/);
    } finally {
      const { code, stderr } = await s.stop();
      assert.equal(code, 0, stderr);
    }
  });

  it('serve: --tls-cert without --tls-key, or an unreadable file, is a usage error', async () => {
    const { runCli } = await import('../testing/cli.js');
    const db = join(dir, 'u.duckdb');
    let r = runCli(['--db', db, 'serve', '--port', '0', '--tls-cert', cert]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--tls-cert and --tls-key go together \(no key given\)/);
    r = runCli(['--db', db, 'serve', '--port', '0', '--tls-cert', cert, '--tls-key', join(dir, 'missing.pem')]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--tls-key: cannot read .*missing\.pem: ENOENT/);
    r = runCli(['--db', db, 'serve', '--port', '0', '--netflow', '0', '--tls-cert', key, '--tls-key', cert]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /TLS: the certificate or key cannot be used/);
  });

  it('startServer on 0.0.0.0 without a token throws (the rule lives in the server, not only the CLI)', async () => {
    const config = parseConfig({}, 'test');
    const store = new WorkerStore(join(dir, 'rule.duckdb'), { shared: true });
    await store.init();
    try {
      const deps = apiDeps({ store, spec: 'rule.duckdb', config, services: ServiceRegistry.builtin(), version: 'test' });
      await assert.rejects(startServer(deps, { port: 0, listen: '0.0.0.0' }), /cannot serve on 0\.0\.0\.0 without a token/);
      await assert.rejects(startServer(deps, { port: 0, listen: '::' }), /cannot serve on :: without a token/);
      const ok = await startServer(deps, { port: 0, listen: '0.0.0.0', token: TOKEN });
      await ok.close();
    } finally {
      await store.close();
    }
  });

  it('config: serve.tlsCert and serve.tlsKey, together, relative to the config file', () => {
    const c = parseConfig({ serve: { tlsCert: 'tls/cert.pem', tlsKey: '/etc/k.pem' } }, 'x', '/etc/flowmap');
    assert.equal(c.serve.tlsCert, '/etc/flowmap/tls/cert.pem');
    assert.equal(c.serve.tlsKey, '/etc/k.pem');
    assert.throws(() => parseConfig({ serve: { tlsCert: 'c.pem' } }, 'x'), /serve: tlsCert and tlsKey go together/);
  });
});
