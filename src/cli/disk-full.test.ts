/**
 * A full disk under the DuckDB file (a small tmpfs): `ingest` stops with one clear line and exit 1;
 * the store still opens and answers and holds the files before it whole; once there is space, the
 * same command stores the rest (the stored files are skipped) and the totals are an uninterrupted
 * run's. Needs root (mount).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeLabCapture } from '../gen/lab.js';
import { runCli } from '../testing/cli.js';
import { storeEdges, storeRecords } from '../testing/crash.js';

describe('ingest onto a full disk', () => {
  let dir: string;
  let mnt: string;
  let mounted = false;
  let small: string;
  let big: string;
  let config: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'flowmap-disk-full-'));
    mnt = join(dir, 'small-disk');
    mkdirSync(mnt);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mnt]);
    mounted = true;
    small = join(dir, 'small.pcap');
    big = join(dir, 'big.pcap');
    writeLabCapture(small, { packets: 60_000, seed: 8, snaplen: 64 });
    // About 60,000 records with 1 s timeouts: more than 8 MB in DuckDB.
    writeLabCapture(big, { packets: 1_000_000, seed: 9, snaplen: 64, durationSec: 1000 });
    config = join(dir, 'flowmap.yaml');
    writeFileSync(config, 'flows:\n  idleTimeout: 1s\n  activeTimeout: 1s\n');
  });
  after(() => {
    if (mounted) execFileSync('umount', [mnt]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('one clear line, exit 1, the store answers; with space again a re-run completes it', { timeout: 300_000 }, () => {
    const ingest = (db: string) => runCli(['--config', config, '--db', db, 'ingest', small, big], { timeoutMs: 300_000 });
    const refSmall = join(dir, 'ref-small.duckdb');
    assert.equal(runCli(['--config', config, '--db', refSmall, 'ingest', small]).code, 0);
    const refBoth = join(dir, 'ref-both.duckdb');
    assert.equal(ingest(refBoth).code, 0);

    const db = join(mnt, 'flows.duckdb');
    const r = ingest(db);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.match(lines[lines.length - 1], /^flowmap: .*big\.pcap: not stored: the store's disk is full \(.*No space left on device.*\); the files before it are stored whole/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(storeRecords(db), storeRecords(refSmall));
    assert.deepEqual(storeEdges(db), storeEdges(refSmall));

    execFileSync('mount', ['-o', 'remount,size=256m', mnt]);
    const again = ingest(db);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /small\.pcap: already stored/);
    assert.deepEqual(storeEdges(db), storeEdges(refBoth));
  });
});
