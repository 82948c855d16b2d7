/**
 * `flowmap ingest --exports` on a capture written here: datagrams are taken from UDP payloads with
 * the one packet decoder; what is not an export datagram is skipped and counted with a reason; the
 * exporter sampling override of the config file scales counters; health is stored.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../testing/cli.js';
import { v5Packet } from '../testing/flowexport-builders.js';

/** IPv4 + UDP (or TCP) packet around `payload`, raw IP link type. */
function ipPacket(src: number[], dst: number[], proto: number, dport: number, payload: Buffer): Buffer {
  const l4 = proto === 17 ? 8 : 20;
  const p = Buffer.alloc(20 + l4 + payload.length);
  p[0] = 0x45;
  p.writeUInt16BE(p.length, 2);
  p[8] = 64;
  p[9] = proto;
  p.set(src, 12);
  p.set(dst, 16);
  p.writeUInt16BE(40000, 20);
  p.writeUInt16BE(dport, 22);
  if (proto === 17) p.writeUInt16BE(8 + payload.length, 24);
  else p[32] = 0x50;
  payload.copy(p, 20 + l4);
  return p;
}

/** A little-endian microsecond pcap, link type raw IP; `cut` limits the captured bytes of a frame. */
function pcap(frames: Array<{ data: Buffer; cut?: number }>): Buffer {
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0);
  head.writeUInt16LE(2, 4);
  head.writeUInt16LE(4, 6);
  head.writeUInt32LE(65535, 16);
  head.writeUInt32LE(101, 20);
  const parts: Buffer[] = [head];
  frames.forEach((f, i) => {
    const cap = f.cut ?? f.data.length;
    const h = Buffer.alloc(16);
    h.writeUInt32LE(1_700_000_000 + i, 0);
    h.writeUInt32LE(cap, 8);
    h.writeUInt32LE(f.data.length, 12);
    parts.push(h, f.data.subarray(0, cap));
  });
  return Buffer.concat(parts);
}

describe('flowmap ingest --exports', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'flowmap-exports-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('pairs the halves, skips what is no export datagram with a reason, applies the sampling override', () => {
    const exporter = [192, 0, 2, 7];
    const collector = [192, 0, 2, 1];
    const half = (src: string, dst: string, sp: number, dp: number, bytes: number, seq: number) =>
      v5Packet({ seq, flows: [{ src, dst, srcPort: sp, dstPort: dp, proto: 6, packets: 2, bytes, first: 90_000, last: 99_000, tcpFlags: 0x1b }] });
    const file = join(dir, 'exports.pcap');
    writeFileSync(
      file,
      pcap([
        { data: ipPacket(exporter, collector, 17, 2055, half('10.0.0.1', '10.0.0.2', 51000, 443, 300, 0)) },
        { data: ipPacket(exporter, collector, 17, 2055, half('10.0.0.2', '10.0.0.1', 443, 51000, 7000, 1)) },
        { data: ipPacket(exporter, collector, 17, 2055, half('10.0.0.3', '10.0.0.4', 51000, 22, 1, 2)), cut: 60 },
        { data: ipPacket(exporter, collector, 6, 2055, Buffer.alloc(10)) },
        { data: ipPacket(exporter, collector, 17, 53, Buffer.from('12340100000100000000000003777777', 'hex')) },
      ]),
    );
    const config = join(dir, 'flowmap.yaml');
    writeFileSync(config, 'exporters:\n  - address: 192.0.2.7\n    samplingRate: 10\n');
    const db = join(dir, 'x.duckdb');
    const r = runCli(['--config', config, '--db', db, 'ingest', '--exports', '--json', file]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { files: Array<{ frames: number; datagrams: number; skipped: Record<string, number> }>; unknown: number; paired: number; stored: number };
    assert.equal(out.files[0].frames, 5);
    assert.equal(out.files[0].datagrams, 3);
    assert.deepEqual(out.files[0].skipped, { 'payload shorter than its UDP length': 1, 'not UDP': 1 });
    assert.equal(out.unknown, 1, 'the DNS datagram is no export protocol');
    assert.equal(out.paired, 1);
    assert.equal(out.stored, 1);
    assert.match(r.stderr, /exports\.pcap: 5 frames, 3 export datagrams, skipped 2 \(payload shorter than its UDP length 1, not UDP 1\)/);

    const top = JSON.parse(runCli(['--db', db, 'top', '--by', 'flows', '--json']).stdout) as Array<Record<string, unknown>>;
    assert.equal(top.length, 1);
    assert.deepEqual(
      [top[0].client, top[0].client_port, top[0].server, top[0].port, top[0].bytes_c2s, top[0].bytes_s2c, top[0].packets],
      ['10.0.0.1', 51000, '10.0.0.2', 443, 3000, 70000, 40],
    );
    const health = JSON.parse(runCli(['--db', db, 'exporters', '--json']).stdout) as Array<Record<string, unknown>>;
    assert.deepEqual(
      health.map((h) => [h.exporter, h.protocol, h.datagrams, h.records, h.sequence_gaps, h.errors]),
      [['192.0.2.7', 'netflow-v5', 2, 2, 0, 0]],
    );
  });

  it('a file that is not a capture: exit 2, the other files still go in', () => {
    const bad = join(dir, 'notes.txt');
    writeFileSync(bad, 'hello');
    const r = runCli(['--db', join(dir, 'y.duckdb'), 'ingest', '--exports', bad, join(dir, 'missing.pcap')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /notes\.txt: /);
    assert.match(r.stderr, /missing\.pcap: no such file/);
  });
});
