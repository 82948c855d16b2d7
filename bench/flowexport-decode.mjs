// Section: decode-only speed of the export decoders (NetFlow v5, v9, IPFIX, sFlow v5), records/s on
// one core, from datagrams built in memory; and nfdump reading the same NetFlow v9 records from a file
// that nfcapd wrote (received over loopback), as the peer.
// Also runnable alone: node bench/flowexport-decode.mjs [records]
import { performance } from 'node:perf_hooks';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH_DIR } from './gen.mjs';
import { fmt, have, runProcess, sleep } from './lib.mjs';

const DIST = join(BENCH_DIR, '..', 'dist');
const need = ['flowexport/decoders/netflow/index.js', 'flowexport/decoders/sflow/index.js', 'flowexport/model.js', 'testing/flowexport-builders.js'].map((p) => join(DIST, p));
const RECORDS = Number(process.env.BENCH_EXPORT_RECORDS ?? 2_000_000);

async function modules() {
  const [nf, sf, ex, b] = await Promise.all(need.map((p) => import(pathToFileURL(p).href)));
  return { createNetflowDecoder: nf.createNetflowDecoder, createSflowDecoder: sf.createSflowDecoder, HealthBook: ex.HealthBook, b };
}

const addr = (i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

/** Datagrams per protocol, built once: about `RECORDS` records in all, in realistic shapes. */
function build(b) {
  const T = 1_700_000_000;
  const v5 = [];
  const v9 = [];
  const ipfix = [];
  const sflow = [];
  // Cisco-like v9 template and an IPFIX one with ms times and 8-byte counters.
  const v9Fields = [
    { id: 8, len: 4 }, { id: 12, len: 4 }, { id: 15, len: 4 }, { id: 10, len: 2 }, { id: 14, len: 2 }, { id: 2, len: 4 }, { id: 1, len: 4 },
    { id: 22, len: 4 }, { id: 21, len: 4 }, { id: 7, len: 2 }, { id: 11, len: 2 }, { id: 6, len: 1 }, { id: 4, len: 1 }, { id: 5, len: 1 },
    { id: 16, len: 2 }, { id: 17, len: 2 }, { id: 9, len: 1 }, { id: 13, len: 1 },
  ];
  const ipfixFields = [
    { id: 8, len: 4 }, { id: 12, len: 4 }, { id: 7, len: 2 }, { id: 11, len: 2 }, { id: 4, len: 1 }, { id: 6, len: 1 }, { id: 1, len: 8 }, { id: 2, len: 8 },
    { id: 152, len: 8 }, { id: 153, len: 8 }, { id: 10, len: 4 }, { id: 14, len: 4 }, { id: 58, len: 2 },
  ];
  const v9Rec = (i) => Buffer.concat([b.ip4(addr(i)), b.ip4(addr(i * 7 + 3)), b.u32(0), b.u16(1), b.u16(2), b.u32(10), b.u32(15000), b.u32(90_000), b.u32(99_000),
    b.u16(1024 + (i & 4095)), b.u16(443), b.u8(0x1b), b.u8(6), b.u8(0), b.u16(0), b.u16(0), b.u8(24), b.u8(24)]);
  const ipfixRec = (i) => Buffer.concat([b.ip4(addr(i)), b.ip4(addr(i * 7 + 3)), b.u16(1024 + (i & 4095)), b.u16(443), b.u8(6), b.u8(0x1b), b.u64(15000), b.u64(10),
    b.u64(T * 1000 - 9000), b.u64(T * 1000 - 1000), b.u32(1), b.u32(2), b.u16(100)]);
  const frame = Buffer.alloc(128);
  frame.writeUInt16BE(0x0800, 12);
  frame[14] = 0x45;
  frame.writeUInt16BE(1500, 16);
  frame[23] = 6;
  frame[14 + 20 + 13] = 0x10;
  const per = Math.ceil(RECORDS / 4);
  let seq = 0;
  for (let i = 0; i < per; i += 30) {
    v5.push(b.v5Packet({ seq, flows: Array.from({ length: 30 }, (_, k) => ({ src: addr(i + k), dst: addr((i + k) * 7 + 3), srcPort: 1024 + ((i + k) & 4095), dstPort: 443, proto: 6, packets: 10, bytes: 15000, first: 90_000, last: 99_000, tcpFlags: 0x1b })) }));
    seq += 30;
  }
  v9.push(b.v9Packet({ seq: 0, sets: [b.templateSet(false, [{ id: 256, fields: v9Fields }])] }));
  for (let i = 0, s = 1; i < per; i += 30, s++) v9.push(b.v9Packet({ seq: s, sets: [b.dataSet(256, Array.from({ length: 30 }, (_, k) => v9Rec(i + k)))] }));
  ipfix.push(b.ipfixMessage({ seq: 0, sets: [b.templateSet(true, [{ id: 256, fields: ipfixFields }])] }));
  for (let i = 0; i < per; i += 20) ipfix.push(b.ipfixMessage({ seq: i, sets: [b.dataSet(256, Array.from({ length: 20 }, (_, k) => ipfixRec(i + k)))] }));
  for (let i = 0, s = 1; i < per; i += 8, s++) {
    sflow.push(b.sflowDatagram({ agent: '192.0.2.1', seq: s, samples: Array.from({ length: 8 }, (_, k) => {
      const f = Buffer.from(frame);
      f.writeUInt32BE(0x0a000000 + i + k, 26);
      f.writeUInt32BE(0x0a100000 + i + k, 30);
      f.writeUInt16BE(1024 + ((i + k) & 4095), 34);
      f.writeUInt16BE(443, 36);
      return b.sflowFlowSample({ rate: 1000, records: [b.sflowRawHeader(f, { frameLength: 1518 })] });
    }) }));
  }
  return { v5, v9, ipfix, sflow };
}

let built = null;
const best = {};

async function decodeAll() {
  const m = await modules();
  built ??= build(m.b);
  const out = {};
  for (const [proto, datagrams] of Object.entries(built)) {
    const book = new m.HealthBook();
    const dec = proto === 'sflow' ? m.createSflowDecoder(book) : m.createNetflowDecoder(book);
    let n = 0;
    let bytes = 0;
    const emit = (f) => {
      n++;
      bytes += f.bytes;
    };
    const t0 = performance.now();
    for (const d of datagrams) dec.decode(d, '192.0.2.1', 1_700_000_000_000, emit);
    const ms = performance.now() - t0;
    const errors = book.all().reduce((s, h) => s + h.errors + h.sequenceGaps, 0);
    if (errors > 0 || bytes === 0) throw new Error(`${proto}: ${errors} errors/gaps decoding the bench datagrams`);
    out[proto] = { records: n, ms, rate: (n / ms) * 1000 };
    if (!best[proto] || out[proto].rate > best[proto].rate) best[proto] = out[proto];
  }
  return out;
}

/** Replay the v9 datagrams to nfcapd, then time nfdump reading every record back (aggregated, no per-record output). */
async function nfdumpRead() {
  const m = await modules();
  built ??= build(m.b);
  const dir = mkdtempSync(join(tmpdir(), 'flowmap-bench-nfcapd-'));
  try {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const child = spawn('nfcapd', ['-w', dir, '-p', String(port), '-b', '127.0.0.1', '-t', '3600', '-B', String(16 << 20)], { stdio: 'ignore' });
    const exited = new Promise((r) => child.on('exit', r));
    await sleep(500);
    const sock = createSocket('udp4');
    let i = 0;
    for (const d of built.v9) {
      await new Promise((r) => sock.send(d, port, '127.0.0.1', r));
      if (++i % 50 === 0) await sleep(2); // stay below nfcapd's receive rate: every record must land
    }
    sock.close();
    await sleep(500);
    child.kill('SIGTERM');
    await exited;
    const file = readdirSync(dir).map((f) => join(dir, f)).find((f) => /nfcapd\.\d+/.test(f));
    if (!file) throw new Error('nfcapd wrote no file');
    let bestMs = Infinity;
    let flows = 0;
    for (let r = 0; r < 3; r++) {
      const res = await runProcess('nfdump', ['-r', file, '-q', '-s', 'proto', '-o', 'csv']);
      if (res.code !== 0) throw new Error(`nfdump: ${res.stderr.trim()}`);
      bestMs = Math.min(bestMs, res.ms);
      const row = res.stdout.split('\n').find((l) => /^\d{4}-/.test(l));
      flows = row ? Number(row.split(',')[5]) : 0;
    }
    return { records: flows, ms: bestMs, rate: (flows / bestMs) * 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let peer = null;

export const flowExportDecode = {
  name: 'export decoders (records/s)',
  count: RECORDS,
  prepare() {
    const missing = need.filter((p) => !existsSync(p));
    return missing.length ? `not built: ${missing.map((p) => p.slice(DIST.length + 1)).join(', ')}` : null;
  },
  async once() {
    const r = await decodeAll();
    if (peer === null && have('nfcapd') && have('nfdump')) peer = await nfdumpRead().catch((e) => ({ error: e.message }));
    const ms = Object.values(r).reduce((s, x) => s + x.ms, 0);
    const parts = Object.entries(best).map(([k, v]) => `${k} ${fmt(v.rate)}`);
    if (peer?.rate) parts.push(`nfdump reading v9 ${fmt(peer.rate)} (${fmt(peer.records)} records); flowmap v9/nfdump ${(best.v9.rate / peer.rate).toFixed(1)}x`);
    else if (peer?.error) parts.push(`nfdump: ${peer.error}`);
    return { ms, note: `best records/s: ${parts.join(', ')}` };
  },
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (let i = 0; i < 3; i++) await decodeAll();
  for (const [k, v] of Object.entries(best)) process.stdout.write(`${k.padEnd(6)} ${fmt(v.records)} records, ${v.ms.toFixed(0)} ms = ${fmt(v.rate)} records/s\n`);
  if (have('nfcapd') && have('nfdump')) {
    const p = await nfdumpRead();
    process.stdout.write(`nfdump reading ${fmt(p.records)} v9 records from nfcapd's file: ${p.ms.toFixed(0)} ms = ${fmt(p.rate)} records/s; flowmap v9 decode / nfdump read = ${(best.v9.rate / p.rate).toFixed(1)}x\n`);
  }
}
