import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeLabCapture, type LabOptions, type LabTruth } from '../gen/lab.js';
import { LINKTYPE } from '../gen/pcap-writer.js';
import type { ConversationRow, EdgeRow } from '../store/store.js';
import { spawn } from 'node:child_process';
import { CLI, runCli } from '../testing/cli.js';
import { flowmapConversations } from '../testing/flows.js';
import { hasTshark, tsharkConversations } from '../testing/tshark.js';
import { protoName } from '../util/protocols.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'flowmap-ingest-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function ingestAndList(file: string, db: string): ConversationRow[] {
  const r = runCli(['ingest', file, '--db', db]);
  assert.equal(r.code, 0, r.stderr);
  const top = runCli(['top', '--by', 'flows', '--json', '--limit', '1000000', '--db', db]);
  assert.equal(top.code, 0, top.stderr);
  return JSON.parse(top.stdout) as ConversationRow[];
}

/** Every conversation of the truth is found with the right client and server, and exact counters. */
function assertMatchesTruth(rows: ConversationRow[], truth: LabTruth): void {
  const byKey = new Map(rows.map((r) => [`${r.proto}|${r.client}:${r.client_port}>${r.server}:${r.port}|${r.vlan}`, r]));
  assert.equal(rows.length, truth.conversations.length, 'conversation count');
  for (const c of truth.conversations) {
    const k = `${protoName(c.proto)}|${c.client}:${c.clientPort}>${c.server}:${c.serverPort}|${c.vlan}`;
    const r = byKey.get(k);
    assert.ok(r, `missing or mis-directed conversation ${k} (${c.service}, preExisting=${c.preExisting}, firstFromServer=${c.firstFromServer})`);
    assert.equal(r.bytes_c2s, c.bytesC2s, `${k} bytes c2s`);
    assert.equal(r.bytes_s2c, c.bytesS2c, `${k} bytes s2c`);
    assert.equal(r.packets_c2s, c.packetsC2s, `${k} packets c2s`);
    assert.equal(r.packets_s2c, c.packetsS2c, `${k} packets s2c`);
  }
}

const variants: Array<[string, LabOptions]> = [
  ['pcap µs, Ethernet (VLAN, QinQ, IPv6, fragments), snaplen 96', { packets: 30_000, snaplen: 96, seed: 11 }],
  ['pcap ns big-endian, Linux SLL', { packets: 10_000, precision: 'ns', bigEndian: true, linkType: LINKTYPE.LINUX_SLL, seed: 12 }],
  ['pcap raw IP', { packets: 10_000, linkType: LINKTYPE.RAW, seed: 13, snaplen: 64 }],
  ['pcap BSD null loopback', { packets: 5_000, linkType: LINKTYPE.NULL, seed: 14 }],
  [
    'pcapng with Ethernet, SLL2 and raw-IP interfaces',
    { packets: 20_000, format: 'pcapng', linkType: [LINKTYPE.ETHERNET, LINKTYPE.LINUX_SLL2, LINKTYPE.RAW], seed: 15, snaplen: 128 },
  ],
];

describe('ingest: bytes and packets per conversation equal tshark and the generator truth', () => {
  for (const [name, opts] of variants) {
    it(name, { skip: hasTshark() ? false : 'tshark not installed' }, () => {
      const file = join(dir, `v${opts.seed}.${opts.format ?? 'pcap'}`);
      const truth = writeLabCapture(file, opts);
      const rows = ingestAndList(file, join(dir, `v${opts.seed}.duckdb`));
      assertMatchesTruth(rows, truth);
      const ours = flowmapConversations(rows);
      const theirs = tsharkConversations(file);
      assert.equal(ours.size, theirs.size, 'conversations: flowmap vs tshark');
      for (const [k, t] of theirs) assert.deepEqual(ours.get(k), t, `conversation ${k}`);
    });
  }

  it('connections that began before the capture are still directed right (truth has some)', () => {
    const file = join(dir, 'pre.pcap');
    const truth = writeLabCapture(file, { packets: 8_000, seed: 21, concurrency: 200 });
    const pre = truth.conversations.filter((c) => c.preExisting && c.firstFromServer);
    assert.ok(pre.length > 10, `generator should produce server-first pre-existing conversations, got ${pre.length}`);
    assertMatchesTruth(ingestAndList(file, join(dir, 'pre.duckdb')), truth);
  });
});

describe('ingest: inputs, errors and exit codes', () => {
  it('reads a capture from standard input (-)', () => {
    const file = join(dir, 'stdin.pcap');
    const truth = writeLabCapture(file, { packets: 3_000, seed: 31 });
    const db = join(dir, 'stdin.duckdb');
    const r = runCli(['ingest', '-', '--db', db], { input: readFileSync(file) });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /stdin: 3,000 frames/);
    const rows = JSON.parse(runCli(['top', '--by', 'flows', '--json', '--limit', '100000', '--db', db]).stdout) as ConversationRow[];
    assertMatchesTruth(rows, truth);
  });

  it('a file that is not a capture: one clear line, exit 2, no stack trace; the good files still go in', () => {
    const bad = join(dir, 'notes.txt');
    writeFileSync(bad, 'this is not a capture file\n'.repeat(10));
    const good = join(dir, 'good.pcap');
    writeLabCapture(good, { packets: 2_000, seed: 41 });
    const db = join(dir, 'mixed.duckdb');
    const r = runCli(['ingest', bad, join(dir, 'missing.pcap'), good, '--db', db, '--json']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /notes\.txt: .*not a (pcap|capture)/i);
    assert.match(r.stderr, /missing\.pcap: no such file/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    const summaries = JSON.parse(r.stdout) as Array<{ frames: number }>;
    assert.equal(summaries.length, 1);
    assert.equal(summaries[0].frames, 2_000);
    const edges = JSON.parse(runCli(['top', '--json', '--db', db]).stdout) as EdgeRow[];
    assert.ok(edges.length > 0);
  });

  it('a truncated capture keeps every whole packet and warns', () => {
    const file = join(dir, 'cut.pcap');
    writeLabCapture(file, { packets: 2_000, seed: 51 });
    const whole = readFileSync(file);
    const cut = join(dir, 'cut-short.pcap');
    writeFileSync(cut, whole.subarray(0, whole.length - 37));
    const r = runCli(['ingest', cut, '--db', join(dir, 'cut.duckdb'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: .*truncated/i);
    const [s] = JSON.parse(r.stdout) as Array<{ frames: number }>;
    assert.equal(s.frames, 1_999);
  });

  it('bad usage exits 2 with a message naming the option', () => {
    const r = runCli(['top', '--subnet', '300.1.2.0/24', '--db', join(dir, 'x.duckdb')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--subnet/);
    const u = runCli(['top', '--by', 'nonsense']);
    assert.equal(u.code, 2);
    const h = runCli(['--help']);
    assert.equal(h.code, 0);
    assert.match(h.stdout, /ingest/);
  });

  it('SIGINT while waiting on standard input stores what was read, says so, exits 1', async () => {
    const file = join(dir, 'sigint.pcap');
    writeLabCapture(file, { packets: 20_000, seed: 61 });
    const prefix = readFileSync(file).subarray(0, 700_000);
    const prefixFile = join(dir, 'sigint-prefix.pcap');
    writeFileSync(prefixFile, prefix);
    // Reference: the same bytes as a (truncated) file.
    const refDb = join(dir, 'sigint-ref.duckdb');
    const ref = runCli(['ingest', prefixFile, '--db', refDb, '--json']);
    assert.equal(ref.code, 0, ref.stderr);
    const [refSummary] = JSON.parse(ref.stdout) as Array<{ packets: number }>;

    const db = join(dir, 'sigint.duckdb');
    const child = spawn(process.execPath, [CLI, 'ingest', '-', '--db', db, '--json'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.stdin.write(prefix); // and keep stdin open: the reader waits for more
    await new Promise((r) => setTimeout(r, 2500));
    child.kill('SIGINT');
    const code = await Promise.race([exit, new Promise<string>((r) => setTimeout(() => r('hung'), 20_000))]);
    child.stdin.destroy();
    assert.equal(code, 1, `exit code; stderr: ${err}`);
    assert.match(err, /interrupted/);
    const [summary] = JSON.parse(out) as Array<{ packets: number; interrupted: boolean }>;
    assert.equal(summary.interrupted, true);
    assert.equal(summary.packets, refSummary.packets, 'every whole packet received before the signal is counted');
    const sum = (dbPath: string) =>
      (JSON.parse(runCli(['top', '--by', 'flows', '--json', '--limit', '100000', '--db', dbPath]).stdout) as ConversationRow[]).reduce(
        (a, r) => a + r.packets,
        0,
      );
    assert.equal(sum(db), sum(refDb), 'and stored');
  });

  it('a database held by another writer: one clear line, exit 1, nothing half-done', async () => {
    const db = join(dir, 'held.duckdb');
    const holder = spawn(process.execPath, [CLI, 'ingest', '-', '--db', db], { stdio: ['pipe', 'ignore', 'pipe'] });
    const held = new Promise<number | null>((resolve) => holder.on('close', (code) => resolve(code)));
    try {
      // The holder opens the database and waits on its (empty, open) standard input.
      for (let i = 0; i < 200 && !existsSync(db); i++) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 500));
      const file = join(dir, 'held.pcap');
      writeLabCapture(file, { packets: 5_000, seed: 71 });
      const r = runCli(['ingest', file, '--db', db]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /in use by another process/);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    } finally {
      holder.stdin.end();
      await held;
    }
  });

  it('gzip-compressed captures are read as they are; a cut-off one keeps what was read and warns', () => {
    const file = join(dir, 'gz.pcap');
    const truth = writeLabCapture(file, { packets: 6_000, seed: 81, snaplen: 128 });
    const gz = gzipSync(readFileSync(file));
    writeFileSync(`${file}.gz`, gz);
    assertMatchesTruth(ingestAndList(`${file}.gz`, join(dir, 'gz.duckdb')), truth);
    writeFileSync(join(dir, 'cut.pcap.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
    const r = runCli(['ingest', join(dir, 'cut.pcap.gz'), '--db', join(dir, 'gzcut.duckdb'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: gzip: unexpected end of file/);
    const [s] = JSON.parse(r.stdout) as Array<{ frames: number }>;
    assert.ok(s.frames > 1_000 && s.frames < 6_000, `frames before the cut: ${s.frames}`);
  });
});
