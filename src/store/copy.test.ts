/**
 * flowmap copy: from DuckDB into every other backend (and back), batched into adaptive windows,
 * resumable after an interruption, incremental on later runs; the target answers like the source.
 */
import { after, before, describe, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { DEFAULT_FLOWS } from '../config/model.js';
import { parseFilter } from '../filter/parse.js';
import { LabGenerator, writeLabCapture } from '../gen/lab.js';
import { ingestCapture } from '../pipeline/ingest.js';
import { ServiceRegistry } from '../services/registry.js';
import { startBackends, type Backends } from '../testing/backends.js';
import { runCli } from '../testing/cli.js';
import { NOW, RECORDS, T, rec } from '../testing/records.js';
import { copyFlows } from './copy.js';
import { openStore } from './open.js';
import type { ManagedStore, TopKind } from './store.js';
import { SCHEMA_VERSION } from './schema.js';

const KINDS: TopKind[] = ['edges', 'talkers', 'services', 'flows'];
const ALL = parseFilter({ limit: 100_000 }, NOW);

async function sameAnswers(a: ManagedStore, b: ManagedStore, what: string): Promise<void> {
  assert.deepEqual(await b.stats(), await a.stats(), `${what}: stats`);
  for (const k of KINDS) assert.deepEqual(await b.top(k, ALL), await a.top(k, ALL), `${what}: ${k}`);
}

describe('copy between stores', () => {
  let backends: Backends;
  let srcSpec: string;
  let src: ManagedStore;
  // 30 records starting in the same millisecond: more than a batch in a window that cannot split.
  const burst = Array.from({ length: 30 }, (_, i) => rec({ client: '10.9.0.1', clientPort: 2000 + i, server: '10.9.0.2', serverPort: 80, firstSeen: T + 500, lastSeen: T + 900, bytesC2s: i }));

  before(async () => {
    backends = await startBackends();
    srcSpec = backends.get('duckdb').fresh('source');
    src = await openStore(srcSpec);
    await src.append([...RECORDS, ...burst]);
    await ingestCapture(new LabGenerator({ packets: 4000, snaplen: 96, seed: 51 }).stream(), 'lab', { store: src, services: ServiceRegistry.builtin(), ...DEFAULT_FLOWS });
  });
  after(async () => {
    await src?.close();
    await backends?.stop();
  });

  test('into every backend in small batches, and back: identical answers', async () => {
    for (const b of backends.all) {
      const dst = await openStore(b.fresh('copy'));
      try {
        const r = await copyFlows(src, dst, { batchSize: 25, markKey: 'copy:test' });
        assert.equal(r.done, true);
        assert.equal(r.records, (await src.stats()).records, b.name);
        assert.ok(r.batches > 10, `${b.name}: ${r.batches} batches`);
        await sameAnswers(src, dst, b.name);
        // And back out of it into a new DuckDB.
        const back = await openStore(backends.get('duckdb').fresh('back'));
        await copyFlows(dst, back, { markKey: 'copy:back' });
        await sameAnswers(src, back, `${b.name} -> duckdb`);
        await back.close();
      } finally {
        await dst.close();
      }
    }
  });

  test('interrupted, resumed, then incremental: no record twice, none lost', async () => {
    for (const b of backends.all) {
      const dst = await openStore(b.fresh('resume'));
      try {
        const stop = new AbortController();
        const first = await copyFlows(src, dst, { batchSize: 40, markKey: 'copy:r', signal: stop.signal, onBatch: (p) => p.batches === 3 && stop.abort() });
        assert.equal(first.done, false);
        const partial = (await dst.stats()).records;
        assert.ok(partial > 0 && partial < (await src.stats()).records, `${b.name}: partial copy ${partial}`);
        const second = await copyFlows(src, dst, { batchSize: 40, markKey: 'copy:r' });
        assert.equal(second.resumedFromMs, first.positionMs);
        assert.equal(partial + second.records, (await src.stats()).records, b.name);
        await sameAnswers(src, dst, `${b.name} resumed`);
        assert.equal((await copyFlows(src, dst, { markKey: 'copy:r' })).records, 0, `${b.name}: nothing new`);
        // Since: only records starting at or after the time.
        const since = await openStore(backends.get('duckdb').fresh('since'));
        const s = await copyFlows(src, since, { markKey: 'copy:s', sinceMs: T });
        assert.equal(s.records, RECORDS.length - 1 + burst.length);
        await since.close();
      } finally {
        await dst.close();
      }
    }
  });

  test('CLI: ingest a capture into each backend (FLOWMAP_DB), the same answers as DuckDB', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowmap-cli-stores-'));
    try {
      const pcap = join(dir, 'lab.pcap');
      writeLabCapture(pcap, { packets: 3000, seed: 61 });
      const answers = new Set<string>();
      for (const b of backends.all) {
        const spec = b.fresh('cli_ingest');
        const r = runCli(['ingest', pcap, '-q'], { env: { FLOWMAP_DB: spec } });
        assert.equal(r.code, 0, `${b.name}: ${r.stderr}`);
        const top = runCli(['top', '--by', 'services', '--json'], { env: { FLOWMAP_DB: spec } });
        assert.equal(top.code, 0, `${b.name}: ${top.stderr}`);
        answers.add(top.stdout);
      }
      assert.equal(answers.size, 1);
      assert.ok(JSON.parse([...answers][0]).length > 3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('CLI: copy, db init, db stats, db prune and --retention', async () => {
    await src.close();
    const target = backends.get('mariadb').fresh('cli');
    const r = runCli(['copy', '--from', srcSpec, '--to', target, '--json', '--batch', '100']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { records: number; done: boolean };
    assert.equal(out.done, true);
    assert.match(r.stderr, /done: \d+ records in \d+ batches/);
    const again = runCli(['copy', '--from', srcSpec, '--to', target, '--json']);
    assert.equal((JSON.parse(again.stdout) as { records: number }).records, 0);
    const topSrc = runCli(['top', '--db', srcSpec, '--by', 'talkers', '--json']);
    const topDst = runCli(['top', '--db', target, '--by', 'talkers', '--json']);
    assert.equal(topDst.code, 0, topDst.stderr);
    assert.equal(topDst.stdout, topSrc.stdout);
    const same = runCli(['copy', '--from', srcSpec, '--to', `duckdb:${srcSpec}`]);
    assert.equal(same.code, 2);

    const ch = backends.get('clickhouse').fresh('cli');
    const init = runCli(['db', 'init', '--db', ch]);
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stderr, new RegExp(`ready, schema version ${SCHEMA_VERSION}`));
    assert.equal(runCli(['db', 'stats', '--db', ch]).stdout, '0 records\n');
    assert.equal(runCli(['copy', '--from', target, '--to', ch, '-q']).code, 0);
    const stats = JSON.parse(runCli(['db', 'stats', '--db', ch, '--json']).stdout) as { records: number };
    assert.equal(stats.records, out.records);
    assert.equal(runCli(['db', 'prune', '--db', ch]).code, 2);
    // Everything here is from 2026 or earlier than "now" minus a day? The lab data (January) is.
    const pruned = runCli(['db', 'prune', '--db', ch, '--retention', '9999d', '--json']);
    assert.equal(pruned.code, 0, pruned.stderr);
    assert.deepEqual(JSON.parse(pruned.stdout), { removed: 0 });
    const cut = runCli(['--retention', '1ms', 'db', 'prune', '--db', ch, '--json']);
    assert.deepEqual(JSON.parse(cut.stdout), { removed: out.records });
    assert.match(cut.stderr, /retention: removed \d+ records/);
    assert.equal(runCli(['--retention', 'soon', 'db', 'prune', '--db', ch]).code, 2);
  });
});
