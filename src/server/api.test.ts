/**
 * The JSON API over real HTTP against a real DuckDB store filled from the lab generator's capture:
 * every answer equals what the CLI says for the same question (`top --json`, `export -f json`,
 * `exporters --json`, `db stats --json`), matches its schema in the OpenAPI document, and bad
 * parameters get 400 with a message naming the parameter.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { parse as parseCsv } from 'csv-parse/sync';
import fc from 'fast-check';
import { strFromU8, unzipSync } from 'fflate';
import { XMLValidator } from 'fast-xml-parser';
import type { z } from 'zod';
import { FORMATS } from '../export/formats.js';
import { openStore } from '../store/open.js';
import { rec, T } from '../testing/records.js';
import { runCli } from '../testing/cli.js';
import { cliJson, fetchRaw, getJson, ingestLab, startTestServer, type TestServer } from '../testing/server.js';
import type { ConversationRow, DepGraph, EdgeDetail, EdgeRow, HostDetail, MetaResponse, ServiceRow, TalkerRow } from '../api/types.js';
import * as S from './schemas.js';
import { bucketFor, MAX_POINTS } from './series.js';

const dir = mkdtempSync(join(tmpdir(), 'flowmap-api-'));
const db = join(dir, 'lab.duckdb');
const configFile = join(dir, 'flowmap.json');
const HOSTILE = '<img src=x onerror=alert(1)>';
const CONFIG = {
  names: { '192.168.1.10': 'esxi01', '192.168.1.60': 'nas <main>' },
  groups: [
    { name: 'vSphere', subnets: ['192.168.1.10/31'] },
    { name: 'Storage', names: ['nas*'] },
    { name: 'Monitoring', serves: ['9090/tcp'] },
  ],
};

let srv: TestServer;
let base: string;

/** The answer, checked against its schema (the one the OpenAPI document publishes). */
async function api<T>(path: string, schema: z.ZodType): Promise<T> {
  const body = await getJson<T>(base, path);
  const r = schema.safeParse(body);
  assert.ok(r.success, `${path}: answer does not match its schema: ${r.success ? '' : JSON.stringify(r.error.issues.slice(0, 3))}`);
  return body;
}

async function status400(path: string, pattern: RegExp): Promise<void> {
  const a = await fetchRaw(base, path);
  assert.equal(a.status, 400, `${path}: ${a.text}`);
  assert.match(a.headers['content-type'] as string, /^application\/json/);
  const { error } = a.json<{ error: string }>();
  assert.match(error, pattern, path);
}

/** API query parameters -> the CLI's options. */
function cliArgs(params: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(params)) out.push(`--${k.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}`, v);
  return out;
}

const qs = (params: Record<string, string>): string => new URLSearchParams(params).toString();

describe('web API', () => {
  before(async () => {
    ingestLab(dir, db);
    writeFileSync(configFile, JSON.stringify(CONFIG));
    // A name seen on the network that is markup: it must come back as the same text.
    const s = await openStore(db);
    await s.appendNames([{ address: '192.168.1.30', name: HOSTILE, source: 'dns', first_seen: '2026-01-15T10:00:00.000Z', last_seen: '2026-01-15T10:00:00.000Z' }]);
    await s.close();
    srv = await startTestServer(db, { config: CONFIG });
    base = srv.url;
  });
  after(async () => {
    await srv?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('meta: version, store, its span (as `db stats`), formats, clock', async () => {
    const m = await api<MetaResponse>('/api/v1/meta', S.metaResponse);
    assert.deepEqual(m.stats, cliJson(db, ['db', 'stats', '--json']));
    assert.ok(m.stats.records > 1000);
    assert.deepEqual(m.store, { backend: 'duckdb', display: db });
    assert.deepEqual(m.formats, [...FORMATS]);
    assert.equal(m.live, null);
    assert.ok(Math.abs(Date.parse(m.now) - Date.now()) < 5000);
  });

  it('top: every kind under many filters equals `flowmap top --json`', async () => {
    const filters: Array<Record<string, string>> = [
      {},
      { subnet: '192.168.1.0/24', exclude: '192.168.1.151', limit: '20' },
      { since: '2026-01-15T10:02:00Z', until: '2026-01-15T10:04:00Z', limit: '50' },
      { port: '443,2049', limit: '30' },
      { proto: 'udp', limit: '25' },
      { minBytes: '100kB', limit: '100' },
      { host: '192.168.1.10', limit: '50' },
      { client: '192.168.1.30', limit: '50' },
      { server: '192.168.1.60', limit: '50' },
    ];
    const schemas = { edges: S.topEdges, talkers: S.topTalkers, services: S.topServices, flows: S.topFlows };
    for (const kind of ['edges', 'talkers', 'services', 'flows'] as const) {
      for (const f of filters) {
        const { rows } = await api<{ rows: unknown[] }>(`/api/v1/top/${kind}?${qs(f)}`, schemas[kind]);
        assert.ok(rows.length > 0, `${kind} ${qs(f)}: no rows`);
        assert.deepEqual(rows, cliJson(db, ['top', '--by', kind, '--json', ...cliArgs(f)]), `${kind} ${qs(f)}`);
      }
    }
  });

  it('filters and time windows change the answers', async () => {
    const total = async (p: Record<string, string>) =>
      (await api<{ rows: TalkerRow[] }>(`/api/v1/top/talkers?${qs({ limit: '100000', ...p })}`, S.topTalkers)).rows.reduce((s, r) => s + r.bytes, 0);
    const all = await total({});
    const window = await total({ since: '2026-01-15T10:02:00Z', until: '2026-01-15T10:03:00Z' });
    const lab = await total({ subnet: '192.168.1.0/24' });
    assert.ok(window > 0 && window < all, `${window} < ${all}`);
    assert.ok(lab > 0 && lab < all);
    // Relative times count back from the server clock: the lab is in January, long before 1h ago.
    assert.deepEqual((await api<{ rows: unknown[] }>('/api/v1/top/edges?since=1h', S.topEdges)).rows, []);
  });

  it('graph: equals `flowmap export -f json` for the same parameters', async () => {
    const cases: Array<Record<string, string>> = [
      { top: '0' },
      { subnet: '192.168.1.0/24', exclude: '192.168.1.151', top: '25' },
      { groupBy: 'group', top: '0' },
      { groupBy: 'subnet/16', top: '10', other: 'drop' },
      { minBytes: '1MB', top: '0', since: '2026-01-15T10:01:00Z' },
    ];
    for (const c of cases) {
      const g = await api<DepGraph>(`/api/v1/graph?${qs(c)}`, S.depGraph);
      assert.deepEqual(g, cliJson(db, ['export', '-f', 'json', ...cliArgs(c)], configFile), qs(c));
    }
    const g = await api<DepGraph>('/api/v1/graph', S.depGraph);
    const zipped = await fetchRaw(base, '/api/v1/graph', { 'accept-encoding': 'gzip' });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.deepEqual(JSON.parse(gunzipSync(zipped.body).toString('utf8')), g);
    assert.equal(g.edges.filter((e) => e.proto !== 'various').length, Math.min(500, g.meta.totalEdges), 'top defaults to 500');
    const esxi = g.nodes.find((n) => n.key === '192.168.1.10');
    assert.equal(esxi?.label, 'esxi01');
    assert.equal(g.groups.find((x) => x.name === 'vSphere')?.members.includes(esxi.id), true);
    // The hostile name is data: the same text, in JSON.
    assert.equal(g.nodes.find((n) => n.key === '192.168.1.30')?.label, HOSTILE);
  });

  it('host detail: totals, services, clients and dependencies equal `top`; the chart adds up to the totals', async () => {
    const cases: Array<[string, Record<string, string>, string | null, string | null]> = [
      ['192.168.1.10', {}, 'esxi01', 'vSphere'],
      ['192.168.1.60', { limit: '5' }, 'nas <main>', 'Storage'],
      ['192.168.1.40', { since: '2026-01-15T10:03:00Z', until: '2026-01-15T10:05:00Z' }, null, 'Monitoring'],
      ['192.168.1.10', { client: '192.168.1.30' }, 'esxi01', 'vSphere'],
    ];
    for (const [addr, f, name, group] of cases) {
      const h = await api<HostDetail>(`/api/v1/hosts/${addr}?${qs(f)}`, S.hostDetail);
      const args = cliArgs(f);
      const talkers = cliJson<TalkerRow[]>(db, ['top', '--by', 'talkers', '--json', '--host', addr, ...args.filter((a, i) => !(args[i - 1] === '--limit' || a === '--limit'))]);
      assert.deepEqual(h.totals, talkers.find((r) => r.host === addr), `${addr} ${qs(f)}`);
      assert.deepEqual(h.services, cliJson<ServiceRow[]>(db, ['top', '--by', 'services', '--json', '--server', addr, ...args]));
      assert.deepEqual(h.clients, cliJson<EdgeRow[]>(db, ['top', '--by', 'edges', '--json', '--server', addr, ...args]));
      assert.ok(h.clients.length > 0, `${addr}: has clients`);
      if (!f.client) assert.deepEqual(h.dependsOn, cliJson<EdgeRow[]>(db, ['top', '--by', 'edges', '--json', '--client', addr, ...args]));
      assert.equal(h.name, name);
      assert.equal(h.group, group);
      if (h.totals === null) throw new Error('no totals');
      const sum = (k: 'out' | 'in' | 'packets') => h.series.points.reduce((s, p) => s + p[k], 0);
      if (!f.client) {
        assert.equal(sum('out'), h.totals.bytes_sent, `${addr} ${qs(f)}: chart out = bytes sent`);
        assert.equal(sum('in'), h.totals.bytes_received);
        assert.equal(sum('packets'), h.totals.packets);
      }
      assert.ok(h.series.points.length <= MAX_POINTS + 2 && h.series.points.length > 10, `${h.series.points.length} points`);
      const times = h.series.points.map((p) => Date.parse(p.t));
      assert.ok(times.every((t, i) => t % h.series.bucketMs === 0 && (i === 0 || t - times[i - 1] === h.series.bucketMs)), 'contiguous buckets');
    }
    // minBytes cuts the rows shown, not the services the group rules look at (as on the map).
    const big = await api<HostDetail>('/api/v1/hosts/192.168.1.40?minBytes=10GB', S.hostDetail);
    assert.deepEqual([big.totals, big.services, big.clients, big.group], [null, [], [], 'Monitoring']);
    const hostile = await api<HostDetail>('/api/v1/hosts/192.168.1.30', S.hostDetail);
    assert.equal(hostile.name, HOSTILE);
    assert.equal(hostile.nameSource, 'dns');
    assert.ok(hostile.names.some((n) => n.name === HOSTILE && n.source === 'dns'));
    const none = await api<HostDetail>('/api/v1/hosts/10.255.255.1', S.hostDetail);
    assert.deepEqual([none.totals, none.clients, none.dependsOn, none.series.points], [null, [], [], []]);
    // The host as a server is ruled out by server=: no clients, no services.
    const out = await api<HostDetail>('/api/v1/hosts/192.168.1.10?server=10.0.0.0/8', S.hostDetail);
    assert.deepEqual([out.clients, out.services], [[], []]);
    const v6 = await getJson<HostDetail>(base, '/api/v1/hosts/2001:DB8:1::97');
    assert.equal(v6.address, '2001:db8:1::97', 'canonical IPv6');
  });

  it('edge detail: the edge, its conversations and its chart equal `top`', async () => {
    const id = { client: '192.168.1.30', server: '192.168.1.10', port: '902', proto: 'tcp' };
    for (const f of [{}, { since: '2026-01-15T10:02:00Z', until: '2026-01-15T10:06:00Z', limit: '3' }] as Array<Record<string, string>>) {
      const e = await api<EdgeDetail>(`/api/v1/edge?${qs({ ...id, ...f })}`, S.edgeDetail);
      const args = [...cliArgs(id), ...cliArgs(f)];
      assert.deepEqual([e.edge], cliJson<EdgeRow[]>(db, ['top', '--by', 'edges', '--json', ...args]));
      assert.deepEqual(e.conversations, cliJson<ConversationRow[]>(db, ['top', '--by', 'flows', '--json', ...args]));
      assert.equal(e.serverName, 'esxi01');
      assert.equal(e.clientName, HOSTILE);
      if (!e.edge) throw new Error('no edge');
      assert.equal(e.series.points.reduce((s, p) => s + p.out, 0), e.edge.bytes_c2s);
      assert.equal(e.series.points.reduce((s, p) => s + p.in, 0), e.edge.bytes_s2c);
    }
    const none = await api<EdgeDetail>(`/api/v1/edge?${qs({ ...id, port: '903' })}`, S.edgeDetail);
    assert.deepEqual([none.edge, none.conversations, none.series.points], [null, [], []]);
  });

  it('exporters: `flowmap exporters --json`', async () => {
    const { rows } = await api<{ rows: unknown[] }>('/api/v1/exporters', S.exportersResponse);
    assert.deepEqual(rows, cliJson(db, ['exporters', '--json']));
  });

  it('bad parameters: 400 with a message naming the parameter', async () => {
    await status400('/api/v1/top/edges?limit=0', /^limit: "0" is not a whole number/);
    await status400('/api/v1/top/edges?subnet=10.0.0.0/33', /^subnet: /);
    await status400('/api/v1/top/edges?port=70000', /^port: /);
    await status400('/api/v1/top/edges?proto=bogus', /^proto: /);
    await status400('/api/v1/top/interfaces?interface=eth0', /^interface: "eth0" is not an interface index/);
    await status400('/api/v1/top/interfaces?exporter=router1', /^exporter: "router1" is not an IP address/);
    await status400('/api/v1/top/edges?since=yesterday', /^since: /);
    await status400('/api/v1/top/edges?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z', /^since .* is after until/);
    await status400('/api/v1/top/edges?minBytes=lots', /^minBytes: /);
    await status400('/api/v1/top/edges?minbytes=1', /^unknown parameter "minbytes"/);
    await status400('/api/v1/top/edges?limit=1&limit=2', /^limit: given 2 times/);
    await status400('/api/v1/top/talkers?client=not-an-ip', /^client: /);
    await status400('/api/v1/graph?groupBy=planet', /^groupBy: /);
    await status400('/api/v1/graph?top=-1', /^top: /);
    await status400('/api/v1/graph?other=keep', /^other: "keep" is not one of fold, drop/);
    await status400('/api/v1/graph?limit=5', /^unknown parameter "limit"/);
    await status400('/api/v1/hosts/192.168.1.0%2F24', /^address: /);
    await status400('/api/v1/hosts/nas', /^address: /);
    await status400('/api/v1/edge?client=192.168.1.30&server=192.168.1.10&port=902', /^proto: required/);
    await status400('/api/v1/edge?client=192.168.1.0/24&server=192.168.1.10&port=902&proto=tcp', /^client: /);
    await status400('/api/v1/edge?client=192.168.1.30&server=192.168.1.10&port=902,903&proto=tcp', /one of each/);
    await status400('/api/v1/export/pdf', /^format: "pdf" is not one of/);
    await status400('/api/v1/export/svg?layout=circle', /^layout: /);
    await status400('/api/v1/meta?x=1', /^unknown parameter "x"/);
    const a = await fetchRaw(base, '/api/v1/nothing');
    assert.equal(a.status, 404);
    assert.match(a.json<{ error: string }>().error, /no such endpoint/);
  });

  it('hostile query strings: every answer is 200 or 400 JSON, never a crash', async () => {
    const names = ['subnet', 'exclude', 'host', 'client', 'server', 'port', 'proto', 'since', 'until', 'minBytes', 'limit', 'top', 'groupBy', 'other', 'layout', 'token', '__proto__', 'constructor'];
    const paths = ['/api/v1/top/edges', '/api/v1/top/flows', '/api/v1/graph', '/api/v1/hosts/192.168.1.10', '/api/v1/edge', '/api/v1/export/csv', '/api/v1/meta'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.array(fc.tuple(fc.constantFrom(...names), fc.oneof(fc.string({ unit: 'binary-ascii', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.constantFrom('0', '-1', '1e9', '::', '0.0.0.0/0', '999999999999999999999', '2026-13-45', '10MB', 'subnet/99'))), { maxLength: 4 }),
        async (path, params) => {
          const a = await fetchRaw(base, `${path}?${params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`);
          assert.ok(a.status === 200 || a.status === 400, `${path} ${JSON.stringify(params)}: ${a.status} ${a.text.slice(0, 200)}`);
          if (a.status === 400) assert.equal(typeof a.json<{ error: string }>().error, 'string');
        },
      ),
      { numRuns: 150, seed: 6 },
    );
  });

  it('export downloads: the same file `flowmap export` writes, named and typed, readable by consumers', async () => {
    const params = { subnet: '192.168.1.0/24', top: '15' };
    for (const format of FORMATS) {
      const a = await fetchRaw(base, `/api/v1/export/${format}?${qs(params)}`);
      assert.equal(a.status, 200, `${format}: ${a.text.slice(0, 200)}`);
      assert.match(a.headers['content-disposition'] as string, /^attachment; filename="flowmap\.[a-z.]+"$/);
      const out = join(dir, `cli.${format}`);
      const r = runCli(['--db', db, '--config', configFile, 'export', '-f', format, '-o', out, ...cliArgs(params)]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(a.body.equals(await import('node:fs').then((fs) => fs.readFileSync(out))), `${format}: the download equals flowmap export's file`);
    }
    const type = async (format: string) => (await fetchRaw(base, `/api/v1/export/${format}?top=5`)).headers['content-type'];
    assert.equal(await type('svg'), 'image/svg+xml');
    assert.equal(await type('json'), 'application/json');
    const csv = await fetchRaw(base, `/api/v1/export/csv?${qs(params)}`);
    assert.equal(csv.headers['content-disposition'], 'attachment; filename="flowmap.csv"');
    const rows = parseCsv(csv.text, { columns: true }) as Array<Record<string, string>>;
    const graph = await getJson<DepGraph>(base, `/api/v1/graph?${qs(params)}`);
    assert.equal(rows.length, graph.edges.length);
    for (const f of ['svg', 'drawio', 'graphml']) assert.equal(XMLValidator.validate((await fetchRaw(base, `/api/v1/export/${f}?${qs(params)}`)).text), true, f);
    const lucid = await fetchRaw(base, `/api/v1/export/lucid?${qs(params)}`);
    assert.equal(lucid.headers['content-disposition'], 'attachment; filename="flowmap.lucid"');
    const doc = JSON.parse(strFromU8(unzipSync(new Uint8Array(lucid.body))['document.json'])) as { pages: unknown[] };
    assert.ok(doc.pages.length > 0);
    assert.deepEqual((await fetchRaw(base, `/api/v1/export/json?${qs(params)}`)).json(), graph);
  });

  it('positioned formats draw 3,001 dependencies with the block layout, off the server thread; only force is refused there', async () => {
    const big = join(dir, 'big.duckdb');
    const s = await openStore(big);
    const records = Array.from({ length: 3001 }, (_, i) => rec({ client: `10.1.${i >> 8}.${i & 255}`, clientPort: 40000, server: '10.2.0.1', serverPort: 443, bytesC2s: 100 + i, bytesS2c: 1000, firstSeen: T, lastSeen: T + 1000 }));
    await s.append(records);
    await s.close();
    const other = await startTestServer(big);
    try {
      const [svg, meta] = await Promise.all([fetchRaw(other.url, '/api/v1/export/svg?top=0'), fetchRaw(other.url, '/api/v1/meta')]);
      assert.equal(meta.status, 200);
      assert.equal(svg.status, 200, svg.text.slice(0, 300));
      assert.equal(XMLValidator.validate(svg.text), true);
      assert.equal((svg.text.match(/ data-target="/g) ?? []).length, 3001, 'every dependency is drawn');
      const force = await fetchRaw(other.url, '/api/v1/export/svg?top=0&layout=force');
      assert.equal(force.status, 400);
      assert.match(force.json<{ error: string }>().error, /layout=force takes minutes above 3000 dependencies and this map has 3001/);
      const dot = await fetchRaw(other.url, '/api/v1/export/dot?top=0');
      assert.equal(dot.status, 200);
      assert.equal((dot.text.match(/ -> /g) ?? []).length, 3001);
    } finally {
      await other.stop();
    }
  });

  it('a layout of seconds does not hold up other requests', async () => {
    const mid = join(dir, 'mid.duckdb');
    const s = await openStore(mid);
    // 1,500 dependencies among 300 hosts: ELK's layered layout takes seconds here.
    const records = Array.from({ length: 1500 }, (_, i) => rec({ client: `10.3.${(i % 150) >> 8}.${i % 150}`, clientPort: 40000, server: `10.4.0.${i % 150}`, serverPort: 1000 + Math.floor(i / 150), bytesC2s: 100 + i, bytesS2c: 1000, firstSeen: T, lastSeen: T + 1000 }));
    await s.append(records);
    await s.close();
    const other = await startTestServer(mid);
    try {
      const t0 = Date.now();
      const exporting = fetchRaw(other.url, '/api/v1/export/svg?top=0');
      let done = false;
      void exporting.then(() => (done = true));
      await new Promise((r) => setTimeout(r, 300));
      const m0 = Date.now();
      const meta = await fetchRaw(other.url, '/api/v1/meta');
      const metaMs = Date.now() - m0;
      const svg = await exporting;
      const exportMs = Date.now() - t0;
      assert.equal(svg.status, 200);
      assert.equal(meta.status, 200);
      assert.ok(done || exportMs > 0);
      // The meta answer came while the layout ran, in far less time than the layout took.
      assert.ok(metaMs < exportMs / 2, `meta took ${metaMs} ms while the export took ${exportMs} ms`);
    } finally {
      await other.stop();
    }
  });

  it('chart buckets: about 60-300 per window, whole seconds', () => {
    for (const span of [10_000, 60_000, 600_000, 3_600_000, 86_400_000, 7 * 86_400_000, 30 * 86_400_000, 365 * 86_400_000]) {
      const w = bucketFor(0, span);
      assert.ok(w % 1000 === 0 && span / w <= MAX_POINTS && (span / w >= 60 || w === 1000), `${span}: ${w}`);
    }
  });
});
