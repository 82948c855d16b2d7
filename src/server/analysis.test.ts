/**
 * deps and plan over the web API answer what the CLI answers, match their published schemas, and
 * refuse bad parameters and impossible constraints with 400 naming the parameter.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { z } from 'zod';
import type { CriticalResponse, DepsResponse, PlanResponse, TimeseriesResponse, TimeseriesRow, TopPerResponse } from '../api/types.js';
import { runCli } from '../testing/cli.js';
import { labDcStore, type LabDc } from '../testing/lab-dc.js';
import { cliJson, fetchRaw, getJson, startTestServer, type TestServer } from '../testing/server.js';
import * as S from './schemas.js';

let dir: string;
let lab: LabDc;
let srv: TestServer;

async function api<T>(path: string, schema: z.ZodType): Promise<T> {
  const body = await getJson<T>(srv.url, path);
  schema.parse(body);
  return body;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flowmap-api-analysis-'));
  lab = labDcStore(dir, 6, 3);
  srv = await startTestServer(lab.db, { config: { names: Object.fromEntries(lab.truth.names.map((n) => [n.address, n.name])) } });
});
after(async () => {
  await srv?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /api/v1/deps, /deps/critical, /plan', () => {
  it('plan: the CLI JSON, constraints as repeated parameters', async () => {
    const [a1, a2] = lab.truth.apps;
    const q = `waves=6&maxHosts=10&pin=${a1.databases[0]}%3D2&together=${a1.hosts[0]},${a2.hosts[0]}&bucket=10m`;
    const body = await api<PlanResponse>(`/api/v1/plan?${q}`, S.planResponse);
    const cli = cliJson<PlanResponse>(lab.db, ['plan', '--waves', '6', '--max-hosts', '10', '--pin', `${a1.databases[0]}=2`, '--together', `${a1.hosts[0]},${a2.hosts[0]}`, '--bucket', '10m', '--json'], lab.config);
    assert.deepEqual(body, cli);
    assert.equal(body.bucket_s, 600);
    assert.equal(body.waves[1].hosts.some((h) => h.address === a1.databases[0]), true);
    for (const h of lab.truth.sharedClients) assert.ok(body.shared.some((x) => x.address === h && x.role === 'client'), h);
  });

  it('deps and critical: the CLI JSON', async () => {
    const db = lab.truth.apps[0].databases[0];
    const body = await api<DepsResponse>(`/api/v1/deps?target=${db}&direction=up&depth=2`, S.depsResponse);
    assert.deepEqual(body, cliJson<DepsResponse>(lab.db, ['deps', db, '--direction', 'up', '--depth', '2', '--json'], lab.config));
    assert.ok(body.hosts.length > 0 && body.edges.length > 0);
    const crit = await api<CriticalResponse>('/api/v1/deps/critical?limit=3', S.criticalResponse);
    assert.deepEqual(crit.rows, cliJson(lab.db, ['deps', '--critical', '--limit', '3', '--json'], lab.config));
  });

  it('timeseries: the CLI JSON; the series add up to top; a week at 1 s is refused', async () => {
    for (const by of ['edges', 'talkers', 'services', 'total']) {
      const body = await api<TimeseriesResponse>(`/api/v1/timeseries?by=${by}&bucket=5m&limit=3`, S.timeseriesResponse);
      assert.deepEqual(body.rows, cliJson<TimeseriesRow[]>(lab.db, ['timeseries', '--by', by, '--bucket', '5m', '--limit', '3', '--json'], lab.config), by);
      assert.equal(body.rows.length, by === 'total' ? 1 : 3, by);
      assert.ok(body.rows.every((r) => r.bucket_s === 300 && r.p95_bps <= r.peak_bps && r.avg_bps <= r.peak_bps), by);
    }
    const services = cliJson<Array<{ bytes: number }>>(lab.db, ['top', '--by', 'services', '--limit', '3', '--json'], lab.config);
    const series = cliJson<TimeseriesRow[]>(lab.db, ['timeseries', '--by', 'services', '--limit', '3', '--json'], lab.config);
    series.forEach((r, i) => assert.equal(r.buckets.reduce((s, b) => s + b.bytes, 0), services[i].bytes));
    const week = runCli(['timeseries', '--by', 'total', '--bucket', '1s', '--since', '2026-01-01T00:00:00Z', '--until', '2026-01-08T00:00:00Z', '--db', lab.db]);
    assert.equal(week.code, 2);
    assert.match(week.stderr, /--bucket: 1s buckets over 1w are 604,801 buckets, more than 100,000/);
    const csv = runCli(['timeseries', '--by', 'talkers', '--limit', '2', '--bucket', '10m', '--csv', '--db', lab.db]);
    assert.equal(csv.code, 0, csv.stderr);
    assert.equal(csv.stdout.split('\r\n')[0], 'key,client,server,host,port,proto,service,exporter,if_index,if_name,t,bytes,bytes_c2s,bytes_s2c,packets');
  });

  it('top per interval: the CLI JSON', async () => {
    for (const kind of ['edges', 'talkers', 'services']) {
      const body = await api<TopPerResponse>(`/api/v1/top/${kind}?per=15m&limit=2`, S.topPerResponse);
      assert.deepEqual(body.rows, cliJson(lab.db, ['top', '--by', kind, '--per', '15m', '--limit', '2', '--json'], lab.config), kind);
      assert.ok(body.rows.length >= 8 && body.rows.every((r) => r.rank <= 2), kind);
    }
    const flows = await fetchRaw(srv.url, '/api/v1/top/flows?per=5m');
    assert.equal(flows.status, 400);
    const bad = await fetchRaw(srv.url, '/api/v1/top/edges?per=90ms');
    assert.equal(bad.status, 400);
    assert.match(bad.json<{ error: string }>().error, /^per: /);
  });

  it('400 with the parameter named', async () => {
    const bad = async (path: string, re: RegExp) => {
      const a = await fetchRaw(srv.url, path);
      assert.equal(a.status, 400, path);
      assert.match(a.json<{ error: string }>().error, re, path);
    };
    await bad('/api/v1/deps', /^target: required/);
    await bad('/api/v1/deps?target=10.21.0.10&direction=sideways', /^direction:/);
    await bad('/api/v1/deps?target=nosuch.example', /^target:/);
    await bad('/api/v1/plan', /^waves: required/);
    await bad('/api/v1/plan?waves=3&limit=5', /unknown parameter "limit"/);
    await bad('/api/v1/plan?waves=2&pin=10.21.0.10%3D7', /^pin: .* not between 1 and waves 2/);
    const [a1] = lab.truth.apps;
    await bad(`/api/v1/plan?waves=3&together=${a1.hosts[0]},${a1.hosts[1]}&apart=${a1.hosts[0]},${a1.hosts[1]}`, /constraints conflict: apart .* must move together/);
  });
});
