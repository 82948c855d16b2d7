/**
 * `flowmap diff` end to end: generated traffic with known drift (testing/diff-lab.ts) through the
 * real pipeline into one store; the CLI and the API answer the same; bad usage exits 2.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DiffResult } from '../analysis/types.js';
import { diffResponse } from '../server/schemas.js';
import { runCli } from '../testing/cli.js';
import { DIFF_T0, diffLabStore, type DiffLab, type DiffLabEdge } from '../testing/diff-lab.js';
import { cliJson, fetchRaw, getJson, startTestServer, type TestServer } from '../testing/server.js';

type Edge = Pick<DiffLabEdge, 'client' | 'server' | 'port'> & { proto: string };
const key = (e: Edge): string => `${e.client} ${e.server} ${e.port}/${e.proto}`;
const keys = (rows: Edge[]): string[] => rows.map(key).sort();

describe('flowmap diff', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowmap-diff-'));
  let lab: DiffLab;
  let srv: TestServer;
  const diff = (...extra: string[]): DiffResult => cliJson<DiffResult>(lab.db, ['diff', '--before', lab.before, '--after', lab.after, '--json', ...extra], lab.config);

  before(async () => {
    lab = diffLabStore(dir);
    srv = await startTestServer(lab.db, { config: lab.configObject });
  });
  after(async () => {
    await srv?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds exactly the new host and its dependencies, the removed dependency and the five-fold one', () => {
    const d = diff();
    assert.equal(d.compared, 'bytes');
    assert.deepEqual(d.before, { from: new Date(DIFF_T0).toISOString(), to: new Date(DIFF_T0 + 3_600_000).toISOString(), seconds: 3600 });
    assert.deepEqual(keys(d.added), keys(lab.newHost.edges));
    assert.deepEqual(keys(d.removed), [key(lab.gone)]);
    assert.deepEqual(keys(d.changed), [key(lab.grown)]);
    const grown = d.changed[0];
    assert.ok(grown.ratio !== null && grown.ratio > 4 && grown.ratio < 6, `ratio ${grown.ratio}`);
    assert.equal(grown.ratio, Number((grown.bytes_after / grown.bytes_before).toPrecision(6)));
    assert.deepEqual(d.hosts_added.map((h) => [h.address, h.name]), [[lab.newHost.address, lab.newHost.name]]);
    assert.equal(d.hosts_added[0].bytes, d.added.reduce((s, e) => s + e.bytes, 0));
    assert.deepEqual(d.hosts_removed, []);
    // The data centre's dependencies (identical in both hours) and the two that drifted under 2x.
    assert.equal(d.unchanged, lab.stable + 2);
    assert.deepEqual(d.notes, []);
    diffResponse.parse(d);
  });

  it('flags nothing that moved by less than the threshold (which a lower threshold shows did move)', () => {
    const loose = diff('--threshold', '1.2');
    const moved = new Map(loose.changed.map((c) => [key(c), c.ratio]));
    for (const e of lab.drift) {
      const r = moved.get(key(e));
      assert.ok(r !== undefined && r !== null && (r > 1.2 || r < 1 / 1.2) && r < 2 && r > 0.5, `${key(e)}: ${r}`);
    }
    assert.equal(loose.unchanged, lab.stable);
  });

  it('windows of different lengths compare rates (1 h before, 2 h after)', () => {
    const twoHours = `${new Date(DIFF_T0 + 3_600_000).toISOString()}..${new Date(DIFF_T0 + 3 * 3_600_000).toISOString()}`;
    const d = cliJson<DiffResult>(lab.db, ['diff', '--before', lab.before, '--after', twoHours, '--threshold', '2.2', '--json'], lab.config);
    assert.equal(d.compared, 'rates');
    assert.deepEqual([d.before.seconds, d.after.seconds], [3600, 7200]);
    assert.match(d.notes.join('\n'), /3600 s before, 7200 s after\): ratios compare rates/);
    // The same traffic over twice the time is half the rate: under 2.2x, so the data centre is unchanged;
    // five times the bytes is 2.5 times the rate; two thirds of them a third of the rate.
    assert.deepEqual(keys(d.changed), [key(lab.grown), key(lab.drift[1])].sort());
    for (const c of d.changed) assert.equal(c.ratio, Number((c.bytes_after / 7200 / (c.bytes_before / 3600)).toPrecision(6)));
    assert.equal(d.unchanged, lab.stable + 1);
  });

  it('the API answers what the CLI prints', async () => {
    const q = new URLSearchParams({ before: lab.before, after: lab.after, threshold: '1.2', subnet: '10.0.0.0/8' });
    const api = await getJson<DiffResult>(srv.url, `/api/v1/diff?${q}`);
    assert.deepEqual(api, diff('--threshold', '1.2', '--subnet', '10.0.0.0/8'));
    diffResponse.parse(api);
    const bad = await fetchRaw(srv.url, `/api/v1/diff?before=${encodeURIComponent(lab.before)}&after=1h..2h`);
    assert.equal(bad.status, 400);
    assert.match(bad.json<{ error: string }>().error, /^after: FROM .* must be before TO/);
    const low = await fetchRaw(srv.url, `/api/v1/diff?before=${encodeURIComponent(lab.before)}&after=${encodeURIComponent(lab.after)}&threshold=1`);
    assert.match(low.json<{ error: string }>().error, /^threshold: "1" is not a ratio above 1/);
    assert.equal((await fetchRaw(srv.url, `/api/v1/diff?before=${encodeURIComponent(lab.before)}`)).json<{ error: string }>().error.startsWith('after: required'), true);
  });

  it('a table on stdout, CSV with a change column, an empty window said on stderr', () => {
    const table = runCli(['--db', lab.db, '-c', lab.config, 'diff', '--before', lab.before, '--after', lab.after]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^dependencies added \(3\)$/m);
    assert.match(table.stdout, /^dependencies removed \(1\)$/m);
    assert.match(table.stdout, /^dependencies changed \(1; after\/before of bytes, threshold 2\)$/m);
    assert.match(table.stdout, /^hosts new \(1\)\n.*\n {2}10\.21\.0\.99 +web3\.app01\.dc\.example/m);
    assert.match(table.stderr, /diff: 3 added, 1 removed, 1 changed \(×2\), \d+ unchanged; hosts 1 new, 0 gone/);
    const csv = runCli(['--db', lab.db, 'diff', '--before', lab.before, '--after', lab.after, '--csv']);
    const lines = csv.stdout.trimEnd().split('\r\n');
    assert.equal(lines[0], 'change,client,server,port,proto,service,bytes_before,bytes_after,ratio');
    assert.deepEqual(lines.slice(1).map((l) => l.split(',')[0]), ['added', 'added', 'added', 'removed', 'changed']);
    const empty = runCli(['--db', lab.db, 'diff', '--before', '2020-01-01..2020-01-02', '--after', lab.after, '--json']);
    assert.equal(empty.code, 0);
    assert.equal((JSON.parse(empty.stdout) as DiffResult).added.length, lab.stable + 3 + 2 + 1);
    assert.match(empty.stderr, /the before window holds no traffic under the filter/);
  });

  it('bad usage exits 2 with a clear message', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--before', '2h..1h'], /--after: required, a window FROM\.\.TO/],
      [['--after', '2h..1h'], /--before: required/],
      [['--before', '2026-03-02T09:00Z..2026-03-02T08:00Z', '--after', '1h..now'], /--before: FROM \(2026-03-02T09:00:00\.000Z\) must be before TO \(2026-03-02T08:00:00\.000Z\)/],
      [['--before', '2h..1h', '--after', '1h..now', '--threshold', '1'], /--threshold: "1" is not a ratio above 1/],
      [['--before', '2h..1h', '--after', '1h..now', '--threshold', '0.5'], /--threshold: "0\.5" is not a ratio above 1/],
      [['--before', '2h', '--after', '1h..now'], /--before: "2h" is not a window FROM\.\.TO/],
      [['--before', '2h..1h', '--after', '1h..now', '--since', '3h'], /diff: --since does not apply/],
      [['--before', '2h..1h', '--after', '1h..now', '--json', '--csv'], /--json and --csv: choose one/],
    ];
    for (const [args, message] of cases) {
      const r = runCli(['--db', lab.db, 'diff', ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    }
  });
});
