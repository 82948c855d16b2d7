/**
 * The OpenAPI document describes exactly what the app serves: every route is in it and every path in
 * it is a route; each endpoint's documented query parameters are exactly the ones it accepts; every
 * schema reference resolves.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fetchRaw, getJson, ingestLab, startTestServer, type TestServer } from '../testing/server.js';
import { createApp } from './app.js';
import { openApiDocument } from './openapi.js';

interface Param {
  name: string;
  in: string;
  required?: boolean;
}
interface Doc {
  openapi: string;
  paths: Record<string, { get?: { parameters: Param[]; responses: Record<string, unknown> } }>;
  components: { schemas: Record<string, unknown> };
}

const dir = mkdtempSync(join(tmpdir(), 'flowmap-openapi-'));
const db = join(dir, 'lab.duckdb');

/** A valid value for each documented parameter (path parameters filled in too). */
const VALID: Record<string, string> = {
  subnet: '192.168.1.0/24', exclude: '192.168.1.151', host: '192.168.1.10', client: '192.168.1.30', server: '192.168.1.10',
  port: '902', proto: 'tcp', since: '2026-01-15T10:00:00Z', until: '2026-01-15T10:10:00Z', minBytes: '1', limit: '5', interface: '0',
  // Captures have no exporter: the lab has none, and answers are empty but well-formed (plan aside).
  exporter: '192.0.2.1',
  groupBy: 'host', top: '3', other: 'drop', layout: 'layered', clusters: 'apps',
  target: '192.168.1.10', direction: 'up', depth: '2',
  // The filter leaves two hosts, .30 -> .10: two waves, .10 pinned, the two apart.
  waves: '2', maxHosts: '5', pin: '192.168.1.10=1', together: '192.168.1.10,192.168.1.10/32', apart: '192.168.1.10,192.168.1.30', shared: 'none', bucket: '1m', by: 'talkers', per: '5m',
  before: '2026-01-15T10:00:00Z..2026-01-15T10:05:00Z', after: '2026-01-15T10:05:00Z..2026-01-15T10:10:00Z', threshold: '1.5',
  format: 'md',
};
const PATH_VALUES: Record<string, string> = { address: '192.168.1.10', format: 'csv' };

describe('OpenAPI document', () => {
  let srv: TestServer;
  before(async () => {
    ingestLab(dir, db);
    srv = await startTestServer(db);
  });
  after(async () => {
    await srv?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is served at /api/v1/openapi.json as OpenAPI 3.1', async () => {
    const doc = await getJson<Doc>(srv.url, '/api/v1/openapi.json');
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(doc, JSON.parse(JSON.stringify(openApiDocument())));
  });

  it('lists exactly the routes the app serves', () => {
    const app = createApp(srv.deps, { webRoot: dir, loopback: true });
    const served = new Set(
      app.routes
        .filter((r) => (r.method === 'GET' || r.method === 'POST') && r.path.startsWith('/api/'))
        .map((r) => r.path.replace(/:([A-Za-z]+)/g, '{$1}')),
    );
    const documented = new Set(Object.keys((openApiDocument() as unknown as Doc).paths));
    assert.deepEqual([...served].sort(), [...documented].sort());
    // Nothing but GET is served under /api (the catch-all 404 aside), but for agents' snapshots.
    assert.deepEqual([...new Set(app.routes.filter((r) => r.path.startsWith('/api/v1') && r.method !== 'GET').map((r) => `${r.method} ${r.path}`))], ['POST /api/v1/agent']);
    assert.ok((openApiDocument() as unknown as { paths: Record<string, { post?: unknown }> }).paths['/api/v1/agent'].post);
  });

  it("each endpoint's documented parameters are exactly those it accepts", async () => {
    const doc = openApiDocument() as unknown as Doc;
    for (const [path, item] of Object.entries(doc.paths)) {
      if (path === '/api/v1/agent') continue; // POST, no parameters: checked in routes/agent.test.ts
      const op = item.get;
      assert.ok(op, path);
      const url = path.replace(/\{(\w+)\}/g, (_m, n: string) => PATH_VALUES[n]);
      const query = op.parameters.filter((p) => p.in === 'query').map((p) => p.name);
      // The app names what it takes when given something else.
      const wrong = await fetchRaw(srv.url, `${url}?zzz=1`);
      assert.equal(wrong.status, 400, path);
      const takes = /this endpoint takes (.*)\)$/.exec(wrong.json<{ error: string }>().error)?.[1];
      assert.deepEqual(takes === 'no parameters' ? [] : takes?.split(', '), query, path);
      if (path === '/api/v1/events') continue; // a stream: checked in serve.test.ts
      // Every documented parameter at once, with valid values: 200.
      // A plan of no host is refused: there, the lab's captures must pass the filter (they have no exporter).
      const qs = new URLSearchParams(query.filter((n) => !(path === '/api/v1/plan' && n === 'exporter')).map((n) => [n, VALID[n]])).toString();
      const ok = await fetchRaw(srv.url, `${url}${qs ? `?${qs}` : ''}`);
      assert.equal(ok.status, 200, `${path}?${qs}: ${ok.text.slice(0, 200)}`);
      for (const p of op.parameters.filter((x) => x.in === 'query' && x.required)) {
        const without = new URLSearchParams(query.filter((n) => n !== p.name).map((n) => [n, VALID[n]])).toString();
        assert.equal((await fetchRaw(srv.url, `${url}?${without}`)).status, 400, `${path} without ${p.name}`);
      }
    }
  });

  it('every schema reference resolves', () => {
    const doc = openApiDocument() as unknown as Doc;
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    assert.ok(refs.length > 20);
    for (const r of refs) {
      const id = /#\/components\/schemas\/([A-Za-z]+)"/.exec(r)?.[1];
      assert.ok(id && doc.components.schemas[id], r);
    }
  });
});
