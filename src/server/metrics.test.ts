/**
 * Prometheus metrics as an operator scrapes them: `flowmap serve --netflow 0` and `flowmap collect
 * --metrics` receive real datagrams on loopback, and /metrics shows exactly what was sent; with a
 * token, /metrics is refused without it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sendDatagrams, startCollect } from '../testing/collector.js';
import { metricSum, parseMetrics, V5_PLAN, v5PlanDatagrams, type Sample } from '../testing/metrics.js';
import { fetchRaw, startServe } from '../testing/server.js';
import { parseMetricsAddress } from './metrics-endpoint.js';

const TOKEN = 'metrics-test-token-0123456789';
const LOCAL = { exporter: '127.0.0.1', protocol: 'netflow-v5' };

/** Scrape until `done` holds (counters are read live, batches reach the store within a second or two). */
async function scrapeUntil(base: string, headers: Record<string, string>, done: (s: Sample[]) => boolean): Promise<Sample[]> {
  let last: Sample[] = [];
  for (let i = 0; i < 100; i++) {
    const a = await fetchRaw(base, '/metrics', headers);
    assert.equal(a.status, 200, a.text);
    assert.match(String(a.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    last = parseMetrics(a.text);
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  return last;
}

function assertSent(s: Sample[]): void {
  assert.equal(metricSum(s, 'flowmap_exporter_datagrams_total', LOCAL), V5_PLAN.good + 1);
  assert.equal(metricSum(s, 'flowmap_exporter_records_total', LOCAL), V5_PLAN.good * V5_PLAN.flowsPer);
  assert.equal(metricSum(s, 'flowmap_exporter_decode_errors_total', LOCAL), V5_PLAN.errors);
  assert.equal(metricSum(s, 'flowmap_exporter_sequence_gaps_total', LOCAL), V5_PLAN.gaps);
  assert.equal(metricSum(s, 'flowmap_exporter_template_misses_total', LOCAL), 0);
  assert.equal(metricSum(s, 'flowmap_exporter_kernel_drops_total', LOCAL), 0);
  assert.equal(metricSum(s, 'flowmap_store_queue_records'), 0);
  // Every record reached the store in timed batches (paired halves: one record per flow here).
  assert.ok((metricSum(s, 'flowmap_store_batch_seconds_count') ?? 0) >= 1, 'at least one batch timed');
  assert.ok((metricSum(s, 'process_resident_memory_bytes') ?? 0) > 0, 'process metrics');
}

const settled = (s: Sample[]): boolean =>
  metricSum(s, 'flowmap_exporter_datagrams_total', LOCAL) === V5_PLAN.good + 1 &&
  metricSum(s, 'flowmap_exporter_sequence_gaps_total', LOCAL) === V5_PLAN.gaps &&
  (metricSum(s, 'flowmap_store_batch_seconds_count') ?? 0) >= 1 &&
  metricSum(s, 'flowmap_store_queue_records') === 0;

describe('Prometheus metrics', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'flowmap-metrics-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serve: /metrics counts the datagrams sent, behind the token; HTTP requests by route pattern', async () => {
    const s = await startServe(join(dir, 'serve.duckdb'), ['--netflow', '0', '--token', TOKEN]);
    try {
      const auth = { authorization: `Bearer ${TOKEN}` };
      const refused = await fetchRaw(s.url, '/metrics');
      assert.equal(refused.status, 401);
      assert.equal((await fetchRaw(s.url, '/metrics', { authorization: 'Bearer wrong-token-wrong-token' })).status, 401);
      await sendDatagrams(s.ports.netflow, v5PlanDatagrams());
      assertSent(await scrapeUntil(s.url, auth, settled));
      // Two hosts asked by address: one series under the route pattern, not one per URL.
      for (const h of ['10.1.0.1', '10.1.0.2']) assert.equal((await fetchRaw(s.url, `/api/v1/hosts/${h}`, auth)).status, 200);
      const after = parseMetrics((await fetchRaw(s.url, '/metrics', auth)).text);
      const hostRoutes = after.filter((x) => x.name === 'flowmap_http_requests_total' && x.labels.route.startsWith('/api/v1/hosts'));
      assert.deepEqual(hostRoutes.map((x) => [x.labels.route, x.labels.status, x.value]), [['/api/v1/hosts/:address', '200', 2]]);
      assert.equal(metricSum(after, 'flowmap_http_requests_total', { route: '/*', status: '401' }), 2, JSON.stringify(after.filter((x) => x.name === 'flowmap_http_requests_total')));
      assert.ok(after.every((x) => !x.labels.route?.includes('10.1.0.')), 'no raw URL in a label');
    } finally {
      const { code, stderr } = await s.stop();
      assert.equal(code, 0, stderr);
    }
  });

  it('collect --metrics: the same counters on a node:http endpoint (a port alone binds 127.0.0.1)', async () => {
    const c = await startCollect(join(dir, 'collect.duckdb'), ['--metrics', '0']);
    try {
      const url = /metrics at (http:\/\/\S+)\/metrics/.exec(c.stderr())?.[1];
      assert.ok(url !== undefined && url.startsWith('http://127.0.0.1:'), c.stderr());
      await sendDatagrams(c.ports.netflow, v5PlanDatagrams());
      assertSent(await scrapeUntil(url, {}, settled));
      assert.equal((await fetchRaw(url, '/other')).status, 404);
    } finally {
      const { code, stderr } = await c.stop();
      assert.equal(code, 0, stderr);
    }
  });

  it('collect --metrics: beyond loopback without a token is refused; with one, /metrics needs it', async () => {
    const r = await import('../testing/cli.js').then(({ runCli }) => runCli(['--db', join(dir, 'x.duckdb'), 'collect', '--netflow', '0', '--no-ipfix', '--no-sflow', '--metrics', '0.0.0.0:0', '--duration', '1']));
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--metrics 0\.0\.0\.0: serving metrics beyond this machine needs a token/);
    const c = await startCollect(join(dir, 'token.duckdb'), ['--metrics', '127.0.0.1:0'], { FLOWMAP_TOKEN: TOKEN });
    try {
      const url = /metrics at (http:\/\/\S+)\/metrics/.exec(c.stderr())?.[1];
      assert.ok(url, c.stderr());
      assert.equal((await fetchRaw(url, '/metrics')).status, 401);
      assert.equal((await fetchRaw(url, '/metrics', { authorization: `Bearer ${TOKEN}` })).status, 200);
    } finally {
      await c.stop();
    }
  });

  it('parses --metrics addresses', () => {
    assert.deepEqual(parseMetricsAddress('9464'), { host: '127.0.0.1', port: 9464 });
    assert.deepEqual(parseMetricsAddress(':9464'), { host: '127.0.0.1', port: 9464 });
    assert.deepEqual(parseMetricsAddress('0.0.0.0:9464'), { host: '0.0.0.0', port: 9464 });
    assert.deepEqual(parseMetricsAddress('[::1]:9464'), { host: '::1', port: 9464 });
    assert.throws(() => parseMetricsAddress('host:9464'), /not ADDR:PORT/);
    assert.throws(() => parseMetricsAddress('1.2.3.4:70000'), /not ADDR:PORT/);
  });
});
