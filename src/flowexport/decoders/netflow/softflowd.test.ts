/**
 * A real exporter: softflowd reads a generated capture and exports it as NetFlow v5, v9 and IPFIX
 * (absolute times in ms/µs/ns, biflows, sampling) to a UDP socket; the decoder's totals per
 * (source, destination, protocol) equal tshark's reading of the same capture, and every record equals
 * what nfcapd decodes from the same datagrams.
 */
import { test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HealthBook, type ExportedFlow } from '../../model.js';
import { createNetflowDecoder } from './index.js';
import { writeLabCapture, type LabTruth } from '../../../gen/lab.js';
import { TSHARK, tsharkConversations } from '../../../testing/tshark.js';
import { missingTool, requireTool } from '../../../testing/tools.js';
import { nfcapdFlows, unmatchedRows } from '../../../testing/nfcapd.js';
import { datagramsPcap } from '../../../testing/flowexport-datagrams.js';
import { sorted, tsharkFieldValues } from '../../../testing/tshark-flowexport.js';
import { writeFileSync } from 'node:fs';

const skip = missingTool('softflowd', 'softflowctl', 'tshark');

let dir = '';
let capture = '';
let truth: LabTruth;
/** tshark's bytes/packets per directed `src|dst|proto`. */
const reference = new Map<string, { bytes: number; packets: number }>();

before(() => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'flowmap-softflowd-'));
  const lab = join(dir, 'lab.pcap');
  truth = writeLabCapture(lab, { packets: 20_000, seed: 11, durationSec: 2 });
  // softflowd does not open 802.1ad (QinQ) frames: leave them out of what both sides read.
  capture = join(dir, 'no-qinq.pcap');
  execFileSync(TSHARK, ['-r', lab, '-Y', '!ieee8021ad', '-w', capture], { stdio: 'ignore' });
  for (const [key, t] of tsharkConversations(capture)) {
    const [proto, , a, b] = key.split('|');
    const ha = a.slice(0, a.lastIndexOf('#'));
    const hb = b.slice(0, b.lastIndexOf('#'));
    const add = (k: string, bytes: number, packets: number) => {
      if (packets === 0) return;
      const r = reference.get(k) ?? { bytes: 0, packets: 0 };
      r.bytes += bytes;
      r.packets += packets;
      reference.set(k, r);
    };
    add(`${ha}|${hb}|${proto}`, t.bytesAB, t.pktsAB);
    add(`${hb}|${ha}|${proto}`, t.bytesBA, t.pktsBA);
  }
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Run softflowd over the capture exporting to a socket of ours; returns the decoded flows and health. */
async function export_(args: string[]): Promise<{ flows: ExportedFlow[]; book: HealthBook; datagrams: Buffer[] }> {
  const sock = createSocket('udp4');
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  sock.setRecvBufferSize(8 << 20);
  const book = new HealthBook();
  const dec = createNetflowDecoder(book);
  const flows: ExportedFlow[] = [];
  const datagrams: Buffer[] = [];
  sock.on('message', (msg, rinfo) => {
    datagrams.push(msg);
    dec.decode(msg, rinfo.address, Date.now(), (f) => flows.push(f));
  });
  const ctl = join(dir, `ctl-${Math.random().toString(36).slice(2)}`);
  const child = spawn(requireTool('softflowd'), ['-r', capture, '-n', `127.0.0.1:${sock.address().port}`, '-c', ctl, '-p', `${ctl}.pid`, '-d', ...args], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  // softflowd 1.1.0 in -r mode blocks on its control socket between packets: poll its statistics
  // until it has read the file (at capture speed with -a: 2 s) and exits.
  let exitedYet = false;
  void exited.then(() => (exitedYet = true));
  const t0 = Date.now();
  while (!exitedYet && Date.now() - t0 < 30_000) {
    await new Promise<void>((resolve) => execFile(requireTool('softflowctl'), ['-c', ctl, 'statistics'], () => resolve()));
    await sleep(50);
  }
  if (!exitedYet) child.kill('SIGKILL');
  await exited;
  await sleep(300);
  sock.close();
  dec.finish();
  return { flows, book, datagrams };
}

function totals(flows: readonly ExportedFlow[], scale = 1): Map<string, { bytes: number; packets: number }> {
  const out = new Map<string, { bytes: number; packets: number }>();
  const add = (k: string, bytes: number, packets: number) => {
    if (packets === 0) return;
    const r = out.get(k) ?? { bytes: 0, packets: 0 };
    r.bytes += bytes * scale;
    r.packets += packets * scale;
    out.set(k, r);
  };
  for (const f of flows) {
    add(`${f.src}|${f.dst}|${f.proto}`, f.bytes, f.packets);
    add(`${f.dst}|${f.src}|${f.proto}`, f.reverseBytes, f.reversePackets);
  }
  return out;
}

/**
 * Packets equal tshark's per (source, destination, protocol). softflowd's octets include the Ethernet
 * padding of short frames, so its bytes may exceed the IP-layer bytes by up to 26 per packet.
 */
function expectReference(flows: readonly ExportedFlow[], v4only: boolean): void {
  const want = new Map([...reference].filter(([k]) => !v4only || !k.includes(':')));
  const got = totals(flows);
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
  for (const [k, w] of want) {
    const g = got.get(k)!;
    assert.equal(g.packets, w.packets, k);
    assert.ok(g.bytes >= w.bytes && g.bytes <= w.bytes + 26 * w.packets, `${k}: bytes ${g.bytes}, IP-layer ${w.bytes}`);
  }
}

/** The same export fed to nfcapd: every record decoded alike (without nfcapd the test reports itself skipped). */
async function expectNfcapd(t: TestContext, datagrams: readonly Buffer[], flows: readonly ExportedFlow[]): Promise<void> {
  const missing = missingTool('nfcapd', 'nfdump');
  if (missing) return t.skip(`${missing}: the nfcapd cross-check did not run`);
  const rows = await nfcapdFlows(datagrams);
  assert.equal(rows.length, flows.length);
  assert.deepEqual(unmatchedRows(rows, flows), []);
}

/** Input and output interfaces of every record equal tshark's decoding of the same datagrams (softflowd reading a file exports 0). */
function expectInterfaces(datagrams: readonly Buffer[], flows: readonly ExportedFlow[]): void {
  const file = join(dir, `ifs-${Math.random().toString(36).slice(2)}.pcap`);
  writeFileSync(file, datagramsPcap(datagrams.map((payload, i) => ({ payload, src: '127.0.0.1', srcPort: 40000, dstPort: 2055, tsMs: truth.firstMs + i }))));
  const v = tsharkFieldValues(file, 2055, 'cflow', ['cflow.inputint', 'cflow.outputint']);
  assert.deepEqual(sorted(v.get('cflow.inputint')!), sorted(flows.map((f) => f.inIf)), 'input interfaces');
  assert.deepEqual(sorted(v.get('cflow.outputint')!), sorted(flows.map((f) => f.outIf)), 'output interfaces');
}

function expectHealthy(book: HealthBook, protocol: string, records: number): void {
  const hs = book.all();
  assert.equal(hs.length, 1);
  assert.equal(hs[0].protocol, protocol);
  assert.deepEqual([hs[0].errors, hs[0].templateMisses, hs[0].sequenceGaps], [0, 0, 0], JSON.stringify(hs[0].errorReasons));
  assert.equal(hs[0].records, records);
}

function expectTimes(flows: readonly ExportedFlow[]): void {
  for (const f of flows) {
    assert.ok(f.firstSeen >= truth.firstMs - 1000 && f.lastSeen <= truth.lastMs + 1000 && f.firstSeen <= f.lastSeen,
      `times ${new Date(f.firstSeen).toISOString()} .. ${new Date(f.lastSeen).toISOString()} outside the capture`);
  }
}

test('softflowd NetFlow v5: IPv4 totals equal tshark, times in the capture', { skip }, async (t) => {
  const { flows, book, datagrams } = await export_(['-v', '5', '-a']);
  expectHealthy(book, 'netflow-v5', flows.length);
  expectInterfaces(datagrams, flows);
  expectReference(flows, true);
  expectTimes(flows);
  await expectNfcapd(t, datagrams, flows);
});

test('softflowd NetFlow v9 (IPv4 and IPv6, ms times): totals equal tshark', { skip }, async (t) => {
  const { flows, book, datagrams } = await export_(['-v', '9', '-6', '-a', '-A', 'milli']);
  expectHealthy(book, 'netflow-v9', flows.length);
  expectInterfaces(datagrams, flows);
  expectReference(flows, false);
  expectTimes(flows);
  await expectNfcapd(t, datagrams, flows);
});

for (const unit of ['milli', 'micro', 'nano']) {
  test(`softflowd IPFIX (${unit}second times): totals equal tshark`, { skip }, async (t) => {
    const { flows, book, datagrams } = await export_(['-v', '10', '-6', '-a', '-A', unit]);
    expectHealthy(book, 'ipfix', flows.length);
    expectInterfaces(datagrams, flows);
    expectReference(flows, false);
    expectTimes(flows);
    await expectNfcapd(t, datagrams, flows);
  });
}

test('softflowd IPFIX biflows (-b): reverse counters carry the other direction, totals equal tshark', { skip }, async (t) => {
  const { flows, book, datagrams } = await export_(['-v', '10', '-6', '-a', '-A', 'milli', '-b']);
  expectHealthy(book, 'ipfix', flows.length);
  assert.ok(flows.some((f) => f.reverseBytes > 0 && f.reversePackets > 0));
  expectReference(flows, false);
  await expectNfcapd(t, datagrams, flows);
});

test('softflowd IPFIX with sampling (-s 4): the rate reaches every record', { skip }, async () => {
  const { flows, book } = await export_(['-v', '10', '-6', '-a', '-A', 'milli', '-s', '4']);
  assert.ok(flows.length > 0);
  assert.deepEqual([...new Set(flows.map((f) => f.samplingRate))], [4]);
  assert.equal(book.all()[0].samplingRate, 4);
  // One packet in four: the scaled estimate is near the real total.
  const real = [...reference.values()].reduce((s, r) => s + r.packets, 0);
  const est = flows.reduce((s, f) => s + f.packets * f.samplingRate, 0);
  assert.ok(Math.abs(est - real) / real < 0.05, `estimate ${est}, real ${real}`);
});
