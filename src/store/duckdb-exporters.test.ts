import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DuckDbStore } from './duckdb.js';
import type { ExporterHealthRow } from './store.js';
import { WorkerStore } from './worker-store.js';

function row(over: Partial<ExporterHealthRow>): ExporterHealthRow {
  return {
    exporter: '192.0.2.1', domain: 0, protocol: 'netflow-v9', datagrams: 10, records: 300, sequence_gaps: 1, template_misses: 2,
    errors: 3, error_reasons: { 'set length beyond datagram': 3 }, sampling_rate: 1, kernel_drops: 0, last_seen: '2026-01-15T10:00:00.000Z',
    ...over,
  };
}

describe('exporter health in DuckDB', () => {
  it('a run replaces its own rows; runs are summed; the latest sampling rate wins', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowmap-health-'));
    try {
      const path = join(dir, 'h.duckdb');
      const s = await DuckDbStore.open(path);
      await s.init();
      assert.deepEqual(await s.exporterHealth(), []);
      await s.saveExporterHealth('run-a', [row({ datagrams: 5 })]);
      await s.saveExporterHealth('run-a', [row({}), row({ exporter: '2001:db8::1', protocol: 'ipfix', domain: 7, errors: 0, error_reasons: {} })]);
      await s.saveExporterHealth('run-b', [
        row({ datagrams: 1, records: 30, sequence_gaps: 0, template_misses: 0, errors: 1, error_reasons: { 'truncated header': 1 }, sampling_rate: 100, kernel_drops: 4, last_seen: '2026-01-15T11:00:00.000Z' }),
      ]);
      await s.close();
      // Read back from a fresh process-like open, read-only, as `flowmap exporters` does.
      const r = await DuckDbStore.open(path, { readOnly: true });
      await r.init();
      const rows = await r.exporterHealth();
      await r.close();
      assert.equal(rows.length, 2);
      assert.deepEqual(rows[0], {
        exporter: '192.0.2.1', domain: 0, protocol: 'netflow-v9', datagrams: 11, records: 330, sequence_gaps: 1, template_misses: 2,
        errors: 4, error_reasons: { 'set length beyond datagram': 3, 'truncated header': 1 }, sampling_rate: 100, kernel_drops: 4,
        last_seen: '2026-01-15T11:00:00.000Z',
      });
      assert.equal(rows[1].exporter, '2001:db8::1');
      assert.equal(rows[1].domain, 7);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('goes through the worker store in shared mode', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowmap-health-'));
    try {
      const path = join(dir, 'w.duckdb');
      const w = new WorkerStore(path, { shared: true });
      await w.init();
      await w.saveExporterHealth('r', [row({ records: 42 })]);
      const rows = await w.exporterHealth();
      await w.close();
      assert.equal(rows.length, 1);
      assert.equal(rows[0].records, 42);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
