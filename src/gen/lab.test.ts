/**
 * The generator's ground truth must equal tshark's independent reading of the generated file, so
 * later tests can trust it: per (src, dst, vlan) and per TCP 4-tuple, IP bytes and packets.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabGenerator, writeLabCapture, type LabOptions, type LabTruth } from './lab.js';
import { LINKTYPE } from './pcap-writer.js';
import { hasTshark } from '../testing/tshark.js';


interface Tally {
  bytes: number;
  packets: number;
}

function add(m: Map<string, Tally>, key: string, bytes: number, packets: number): void {
  const t = m.get(key) ?? { bytes: 0, packets: 0 };
  t.bytes += bytes;
  t.packets += packets;
  m.set(key, t);
}

/** Truth folded to what tshark can see per frame: address pair + vlan, and TCP 4-tuples. */
function truthViews(truth: LabTruth): { pairs: Map<string, Tally>; tcp: Map<string, Tally> } {
  const pairs = new Map<string, Tally>();
  const tcp = new Map<string, Tally>();
  for (const c of truth.conversations) {
    if (c.packetsC2s) add(pairs, `${c.client} > ${c.server} v${c.vlan}`, c.bytesC2s, c.packetsC2s);
    if (c.packetsS2c) add(pairs, `${c.server} > ${c.client} v${c.vlan}`, c.bytesS2c, c.packetsS2c);
    if (c.proto !== 6) continue;
    if (c.packetsC2s) add(tcp, `${c.client}:${c.clientPort} > ${c.server}:${c.serverPort}`, c.bytesC2s, c.packetsC2s);
    if (c.packetsS2c) add(tcp, `${c.server}:${c.serverPort} > ${c.client}:${c.clientPort}`, c.bytesS2c, c.packetsS2c);
  }
  return { pairs, tcp };
}

interface TsharkView {
  pairs: Map<string, Tally>;
  tcp: Map<string, Tally>;
  frames: number;
  nonIp: number;
  badCapLen: number;
}

function tsharkView(file: string, snaplen: number): TsharkView {
  const fields = ['ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst', 'ip.len', 'ipv6.plen', 'vlan.id', 'tcp.srcport', 'tcp.dstport', 'frame.len', 'frame.cap_len'];
  const out = execFileSync(
    'tshark',
    ['-r', file, '-n', '-o', 'ip.defragment:FALSE', '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=l', ...fields.flatMap((f) => ['-e', f])],
    { encoding: 'utf8', maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const v: TsharkView = { pairs: new Map(), tcp: new Map(), frames: 0, nonIp: 0, badCapLen: 0 };
  for (const line of out.split('\n')) {
    if (line === '') continue;
    const [s4, d4, s6, d6, len4, plen6, vlan, sp, dp, flen, clen] = line.split('\t');
    v.frames++;
    if (Number(clen) !== Math.min(Number(flen), snaplen)) v.badCapLen++;
    const src = s4 || s6;
    const dst = d4 || d6;
    if (!src) {
      v.nonIp++;
      continue;
    }
    const bytes = s4 ? Number(len4) : 40 + Number(plen6);
    add(v.pairs, `${src} > ${dst} v${vlan ? Number(vlan) : 0}`, bytes, 1);
    if (sp) add(v.tcp, `${src}:${sp} > ${dst}:${dp}`, bytes, 1);
  }
  return v;
}

function sorted(m: Map<string, Tally>): [string, Tally][] {
  return [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

const VARIANTS: { name: string; opts: LabOptions }[] = [
  { name: 'pcap µs, Ethernet + VLAN/QinQ', opts: { format: 'pcap', precision: 'us', linkType: LINKTYPE.ETHERNET } },
  { name: 'pcap ns, big-endian', opts: { format: 'pcap', precision: 'ns', bigEndian: true, linkType: LINKTYPE.ETHERNET, seed: 2 } },
  { name: 'pcapng, Ethernet + SLL + raw IP interfaces', opts: { format: 'pcapng', linkType: [LINKTYPE.ETHERNET, LINKTYPE.LINUX_SLL, LINKTYPE.RAW], seed: 3 } },
  { name: 'pcapng ns, big-endian', opts: { format: 'pcapng', precision: 'ns', bigEndian: true, seed: 4 } },
  { name: 'pcap, Linux SLL', opts: { linkType: LINKTYPE.LINUX_SLL, seed: 5 } },
  { name: 'pcap, Linux SLL2', opts: { linkType: LINKTYPE.LINUX_SLL2, seed: 6 } },
  { name: 'pcap, raw IP', opts: { linkType: LINKTYPE.RAW, seed: 7 } },
];

describe('lab generator ground truth vs tshark', { skip: hasTshark() ? false : 'tshark not installed' }, () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'flowmap-lab-'));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const { name, opts } of VARIANTS) {
    it(name, () => {
      const snaplen = 96;
      const file = join(dir, `lab-${VARIANTS.findIndex((v) => v.name === name)}.${opts.format ?? 'pcap'}`);
      const truth = writeLabCapture(file, { ...opts, packets: 5000, snaplen });
      const ts = tsharkView(file, snaplen);
      assert.equal(ts.frames, truth.frames, 'frame count');
      assert.equal(ts.nonIp, truth.nonIpFrames, 'non-IP frames');
      assert.equal(ts.badCapLen, 0, 'captured length = min(frame length, snaplen)');
      const want = truthViews(truth);
      assert.deepEqual(sorted(ts.pairs), sorted(want.pairs), 'per address pair, direction and VLAN');
      assert.deepEqual(sorted(ts.tcp), sorted(want.tcp), 'per TCP 4-tuple and direction');
    });
  }

  it('covers the cases flowmap must handle', () => {
    const t = writeLabCapture(join(dir, 'mix.pcap'), { packets: 20000, seed: 11 });
    const c = t.conversations;
    assert.ok(t.fragments > 0, 'IPv4 fragments');
    assert.ok(c.some((x) => x.handshake), 'TCP handshakes');
    assert.ok(c.some((x) => x.proto === 6 && x.preExisting && x.firstFromServer), 'pre-capture TCP starting server-side');
    assert.ok(c.some((x) => x.ipVersion === 6 && x.proto === 58), 'ICMPv6 echo');
    assert.ok(c.some((x) => x.vlan === 10) && c.some((x) => x.vlan === 20), 'VLAN-tagged');
    assert.ok(c.some((x) => x.client === '192.168.1.151'), 'noisy WiFi host');
    for (const port of [902, 443, 9100, 9090, 8086, 32400, 2049, 3306, 5432, 6379, 53, 123]) {
      assert.ok(c.some((x) => x.serverPort === port), `service port ${port}`);
    }
  });

  it('is deterministic: same seed, same bytes; stream equals file', () => {
    const a = join(dir, 'a.pcapng');
    const b = join(dir, 'b.pcapng');
    const opts: LabOptions = { packets: 3000, seed: 42, format: 'pcapng', snaplen: 128 };
    writeLabCapture(a, opts);
    writeLabCapture(b, opts);
    const gen = new LabGenerator({ ...opts, chunkSize: 64 << 10 });
    const streamed = Buffer.concat([...gen.chunks()]);
    const h = (buf: Buffer): string => createHash('sha256').update(buf).digest('hex');
    assert.equal(h(readFileSync(a)), h(readFileSync(b)));
    assert.equal(h(streamed), h(readFileSync(a)));
    assert.ok(gen.truth().conversations.length > 10);
  });
});
