import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FlowRecord } from '../../flow/record.js';
import { ServiceRegistry } from '../../services/registry.js';
import { FlowAggregator, type AggregatorOptions } from './aggregator.js';
import type { ExportedFlow } from '../model.js';
import { liveHeapBytes } from '../../testing/heap.js';
import { Hash53 } from '../../util/hash53.js';

const T0 = Date.UTC(2026, 0, 15, 10, 0, 0);

function flow(over: Partial<ExportedFlow>): ExportedFlow {
  return {
    src: '10.0.0.1', dst: '10.0.0.2', srcPort: 40000, dstPort: 443, proto: 6, ipVersion: 4, vlan: 0,
    bytes: 1000, packets: 10, reverseBytes: 0, reversePackets: 0, tcpFlags: 0x1b, reverseTcpFlags: 0,
    firstSeen: T0, lastSeen: T0 + 1000, samplingRate: 1, initiator: null, exporter: '192.0.2.1', domain: 0, inIf: 0, outIf: 0,
    ...over,
  };
}

/** The server half of `flow(over)`: addresses and ports swapped. */
function reply(over: Partial<ExportedFlow>): ExportedFlow {
  const f = flow(over);
  return { ...f, src: f.dst, dst: f.src, srcPort: f.dstPort, dstPort: f.srcPort, ...pick(over, ['bytes', 'packets', 'tcpFlags']) };
}

function pick(o: Partial<ExportedFlow>, keys: (keyof ExportedFlow)[]): Partial<ExportedFlow> {
  const r: Partial<ExportedFlow> = {};
  for (const k of keys) if (o[k] !== undefined) (r as Record<string, unknown>)[k] = o[k];
  return r;
}

const sample = (over: Partial<ExportedFlow>) => flow({ packets: 1, bytes: 100, tcpFlags: 0x10, samplingRate: 10, ...over });

function setup(opts: Partial<AggregatorOptions> = {}) {
  const out: FlowRecord[] = [];
  const agg = new FlowAggregator({
    services: ServiceRegistry.builtin(),
    emit: (r) => out.push(r),
    idleTimeoutMs: 15_000,
    activeTimeoutMs: 60_000,
    maxOpen: 1000,
    ...opts,
  });
  return { agg, out };
}

describe('FlowAggregator: pairing NetFlow/IPFIX halves', () => {
  it('pairs two halves that come in either order, seconds apart, into one client/server record', () => {
    const { agg, out } = setup();
    agg.add(reply({ bytes: 5000, packets: 7, tcpFlags: 0x1b }), 'netflow', T0);
    assert.equal(out.length, 0, 'the first half waits for its partner');
    agg.add(flow({ bytes: 600, packets: 6 }), 'netflow', T0 + 4000);
    assert.equal(out.length, 1);
    const r = out[0];
    assert.equal(r.client, '10.0.0.1');
    assert.equal(r.server, '10.0.0.2');
    assert.equal(r.clientPort, 40000);
    assert.equal(r.serverPort, 443);
    assert.deepEqual([r.bytesC2s, r.bytesS2c, r.packetsC2s, r.packetsS2c], [600, 5000, 6, 7]);
    assert.equal(r.source, 'netflow:192.0.2.1/0');
    assert.equal(r.samplingRate, 1);
    assert.equal(agg.size, 0);
    assert.equal(agg.stats.paired, 1);
  });

  it('a half whose partner comes after the window is stored alone, and so is the late partner', () => {
    const { agg, out } = setup({ pairWindowMs: 5000 });
    agg.add(flow({}), 'ipfix', T0);
    agg.add(flow({ src: '10.9.9.9' }), 'ipfix', T0 + 6000); // drives the clock past the window
    assert.equal(out.length, 1);
    assert.equal(out[0].bytesC2s, 1000);
    assert.equal(out[0].bytesS2c, 0);
    assert.equal(out[0].source, 'ipfix:192.0.2.1/0');
    agg.add(reply({}), 'ipfix', T0 + 6500);
    agg.flushAll();
    assert.equal(out.length, 3);
    assert.equal(agg.stats.unpaired, 3);
    const late = out.find((r) => r.bytesS2c === 1000 && r.client === '10.0.0.1');
    assert.ok(late, 'the reply half alone still has the client on the port-40000 side');
  });

  it('expire() by the wall clock writes out halves past the window', () => {
    const { agg, out } = setup({ pairWindowMs: 5000 });
    agg.add(flow({}), 'netflow', T0);
    agg.expire(T0 + 4999);
    assert.equal(out.length, 0);
    agg.expire(T0 + 5000);
    assert.equal(out.length, 1);
  });

  it('halves of different exporters, VLANs or protocols do not pair', () => {
    const { agg, out } = setup();
    agg.add(flow({}), 'netflow', T0);
    agg.add(reply({ exporter: '192.0.2.9' }), 'netflow', T0);
    agg.add(reply({ vlan: 12 }), 'netflow', T0);
    agg.add(reply({ proto: 17 }), 'netflow', T0);
    agg.add(reply({ domain: 3 }), 'netflow', T0);
    assert.equal(out.length, 0);
    assert.equal(agg.size, 5);
  });

  it('same-direction slices join the waiting half; totals are never lost', () => {
    const { agg, out } = setup();
    agg.add(flow({ bytes: 100, packets: 1 }), 'netflow', T0);
    agg.add(flow({ src: '10.9.9.9', bytes: 1, packets: 1 }), 'netflow', T0); // not adjacent any more
    agg.add(flow({ bytes: 200, packets: 2, firstSeen: T0 + 60_000, lastSeen: T0 + 61_000 }), 'netflow', T0 + 1);
    agg.add(flow({ src: '10.9.9.8', bytes: 1, packets: 1 }), 'netflow', T0 + 1);
    agg.add(reply({ bytes: 50, packets: 1 }), 'netflow', T0 + 2);
    agg.flushAll();
    const r = out.find((x) => x.client === '10.0.0.1');
    assert.ok(r);
    assert.deepEqual([r.bytesC2s, r.packetsC2s, r.bytesS2c, r.packetsS2c], [300, 3, 50, 1]);
    assert.equal(r.firstSeen, T0);
    assert.equal(r.lastSeen, T0 + 61_000);
    assert.equal(agg.stats.paired, 1);
  });

  it('a record whose end comes before its start spans the same interval (first <= last in the store)', () => {
    const { agg, out } = setup();
    agg.add(flow({ firstSeen: T0 + 9000, lastSeen: T0 }), 'netflow', T0);
    agg.add(reply({ firstSeen: T0 + 9000, lastSeen: T0 + 500 }), 'netflow', T0);
    assert.equal(out.length, 1);
    assert.deepEqual([out[0].firstSeen, out[0].lastSeen], [T0, T0 + 9000]);
  });

  it('adjacent halves (as softflowd and pmacct send them) pair without waiting', () => {
    const { agg, out } = setup();
    for (let i = 0; i < 100; i++) {
      agg.add(flow({ srcPort: 40000 + i, bytes: 10 }), 'netflow', T0);
      agg.add(reply({ srcPort: 40000 + i, bytes: 20 }), 'netflow', T0);
      assert.equal(out.length, i + 1);
    }
    assert.equal(agg.size, 0);
    assert.ok(out.every((r) => r.client === '10.0.0.1' && r.bytesC2s === 10 && r.bytesS2c === 20));
  });

  it('a half held for its adjacent partner still leaves on the wall clock', () => {
    const { agg, out } = setup({ pairWindowMs: 5000 });
    agg.add(flow({}), 'netflow', T0);
    assert.equal(agg.size, 1);
    agg.expire(T0 + 1000);
    agg.expire(T0 + 5000);
    assert.equal(out.length, 1);
    assert.equal(agg.size, 0);
  });
});

describe('FlowAggregator: direction', () => {
  it('a pure SYN half opened the connection, whatever the ports say', () => {
    const { agg, out } = setup();
    // 50000 -> 30000: port rank alone would make 30000 the server; the SYN says 30000's end opened.
    agg.add(flow({ srcPort: 30000, dstPort: 50000, tcpFlags: 0x02 }), 'netflow', T0);
    agg.add(reply({ srcPort: 30000, dstPort: 50000, tcpFlags: 0x12 }), 'netflow', T0);
    assert.equal(out[0].direction, 'handshake');
    assert.equal(out[0].client, '10.0.0.1');
    assert.equal(out[0].clientPort, 30000);
    assert.equal(out[0].serverPort, 50000);
  });

  it('SYN on both halves: the half that starts first sent the SYN', () => {
    const { agg, out } = setup();
    agg.add(reply({ srcPort: 30000, dstPort: 50000, tcpFlags: 0x1b, firstSeen: T0 + 1 }), 'netflow', T0);
    agg.add(flow({ srcPort: 30000, dstPort: 50000, tcpFlags: 0x1b, firstSeen: T0 }), 'netflow', T0);
    assert.equal(out[0].direction, 'handshake');
    assert.equal(out[0].client, '10.0.0.1');
  });

  it('no flags and equal starts: the one inference falls back to ports', () => {
    const { agg, out } = setup();
    agg.add(reply({ tcpFlags: 0x18 }), 'netflow', T0);
    agg.add(flow({ tcpFlags: 0x18 }), 'netflow', T0);
    assert.equal(out[0].client, '10.0.0.1');
    assert.equal(out[0].serverPort, 443);
    assert.equal(out[0].direction, 'service-port');
  });

  it('an exporter-stated initiator wins over every inference', () => {
    const { agg, out } = setup();
    agg.add(flow({ reverseBytes: 70, reversePackets: 1, initiator: 'dst', tcpFlags: 0x02 }), 'ipfix', T0);
    assert.equal(out.length, 1, 'a biflow is written at once');
    const r = out[0];
    assert.equal(r.direction, 'exporter');
    assert.equal(r.client, '10.0.0.2');
    assert.equal(r.clientPort, 443);
    assert.deepEqual([r.bytesC2s, r.bytesS2c], [70, 1000]);
    assert.equal(agg.stats.biflows, 1);
  });

  it('ICMP type/code in the destination port: requester is the client, ports 0, halves pair', () => {
    const { agg, out } = setup();
    agg.add({ ...reply({}), proto: 1, srcPort: 0, dstPort: 0, bytes: 84, packets: 1, tcpFlags: 0 }, 'netflow', T0);
    agg.add({ ...flow({}), proto: 1, srcPort: 0, dstPort: 8 << 8, bytes: 84, packets: 1, tcpFlags: 0 }, 'netflow', T0);
    agg.flushAll();
    assert.equal(out.length, 1);
    const r = out[0];
    assert.equal(r.direction, 'icmp');
    assert.equal(r.client, '10.0.0.1');
    assert.deepEqual([r.clientPort, r.serverPort, r.bytesC2s, r.bytesS2c], [0, 0, 84, 84]);
  });
});

describe('FlowAggregator: sampling', () => {
  it('scales by the record rate, else the exporter override, else 1; the rate is kept', () => {
    const override = (e: string) => (e === '192.0.2.7' ? 512 : undefined);
    const { agg, out } = setup({ samplingOverride: override });
    agg.add(flow({ samplingRate: 100, bytes: 10, packets: 2, reverseBytes: 1, reversePackets: 1 }), 'netflow', T0);
    agg.add(flow({ samplingRate: 0, exporter: '192.0.2.7', bytes: 10, packets: 2, reverseBytes: 1, reversePackets: 1 }), 'netflow', T0);
    agg.add(flow({ samplingRate: 0, bytes: 10, packets: 2, reverseBytes: 1, reversePackets: 1 }), 'netflow', T0);
    agg.add(flow({ samplingRate: 1, exporter: '192.0.2.7', bytes: 10, packets: 2, reverseBytes: 1, reversePackets: 1 }), 'netflow', T0);
    agg.add(flow({ samplingRate: 64, exporter: '192.0.2.7', bytes: 10, packets: 2, reverseBytes: 1, reversePackets: 1 }), 'netflow', T0);
    assert.deepEqual(out.map((r) => [r.samplingRate, r.bytesC2s, r.packetsC2s, r.bytesS2c]), [
      [100, 1000, 200, 100],
      [512, 5120, 1024, 512],
      [1, 10, 2, 1],
      [512, 5120, 1024, 512],
      [64, 640, 128, 64],
    ]);
  });
});

describe('FlowAggregator: sFlow samples', () => {
  it('sums samples per conversation and writes it out on the idle timeout', () => {
    const { agg, out } = setup({ idleTimeoutMs: 10_000 });
    agg.add(sample({ tcpFlags: 0x02 }), 'sflow', T0);
    agg.add(sample({ src: '10.0.0.2', dst: '10.0.0.1', srcPort: 443, dstPort: 40000, bytes: 1500, tcpFlags: 0x12 }), 'sflow', T0 + 100);
    agg.add(sample({ bytes: 52 }), 'sflow', T0 + 200);
    agg.expire(T0 + 10_199);
    assert.equal(out.length, 0);
    agg.expire(T0 + 10_200);
    assert.equal(out.length, 1);
    const r = out[0];
    assert.equal(r.direction, 'handshake');
    assert.equal(r.source, 'sflow:192.0.2.1/0');
    assert.deepEqual([r.bytesC2s, r.packetsC2s, r.bytesS2c, r.packetsS2c, r.samplingRate], [1520, 20, 15000, 10, 10]);
    assert.equal(agg.stats.sampled, 1);
  });

  it('cuts a long conversation on the active timeout and keeps the totals', () => {
    const { agg, out } = setup({ idleTimeoutMs: 10_000, activeTimeoutMs: 30_000 });
    for (let t = 0; t <= 60_000; t += 5000) agg.add(sample({ firstSeen: T0 + t, lastSeen: T0 + t }), 'sflow', T0 + t);
    agg.flushAll();
    assert.ok(out.length >= 2, `${out.length} records`);
    assert.equal(out.reduce((s, r) => s + r.bytesC2s, 0), 13 * 1000);
    assert.equal(agg.size, 0);
  });
});

describe('FlowAggregator: bounded memory', () => {
  it('never holds more than maxOpen conversations and loses no traffic', () => {
    const { agg, out } = setup({ maxOpen: 100 });
    let bytes = 0;
    for (let i = 0; i < 1000; i++) {
      agg.add(flow({ srcPort: 1024 + i, bytes: i + 1 }), 'netflow', T0);
      agg.add(sample({ srcPort: 1024 + i, bytes: i + 1 }), 'sflow', T0);
      bytes += (i + 1) * 11;
      assert.ok(agg.size <= 100);
    }
    agg.flushAll();
    assert.equal(out.reduce((s, r) => s + r.bytesC2s + r.bytesS2c, 0), bytes);
    assert.ok(agg.stats.evicted >= 1800);
  });

  it('pairing a long stream holds only the halves still waiting (no growth per conversation)', () => {
    // Halves whose partner comes ten flows later, as per-direction exporters send them: every
    // conversation goes in and out of the waiting map. Nothing may stay reachable once it has left
    // (the eviction cursor once pinned every table the map rehashed into: 1.4 GiB a minute).
    let records = 0;
    const agg = new FlowAggregator({ services: ServiceRegistry.builtin(), emit: () => records++, idleTimeoutMs: 15_000, activeTimeoutMs: 60_000, maxOpen: 1_000_000, conversationMemory: 1000 });
    const half = (c: number, back: boolean) => {
      const f = flow({ src: `10.${(c >> 16) & 255}.${(c >> 8) & 255}.${c & 255}`, srcPort: 1024 + (c % 60000) });
      return back ? { ...f, src: f.dst, dst: f.src, srcPort: f.dstPort, dstPort: f.srcPort } : f;
    };
    const run = (from: number, to: number) => {
      for (let c = from; c < to; c += 10) {
        for (let k = 0; k < 10; k++) agg.add(half(c + k, false), 'netflow', T0);
        for (let k = 0; k < 10; k++) agg.add(half(c + k, true), 'netflow', T0);
      }
    };
    run(0, 20_000);
    const before = liveHeapBytes();
    run(20_000, 600_000);
    const grown = liveHeapBytes() - before;
    assert.ok(agg.size <= 20);
    agg.flushAll();
    assert.equal(records, 600_000);
    assert.ok(grown < 4 * 2 ** 20, `580,000 conversations paired left ${(grown / 2 ** 20).toFixed(1)} MiB more heap`);
  });
});

describe('FlowAggregator: exporter interfaces of a client/server record', () => {
  // A router: the client is behind ifIndex 3, the server behind ifIndex 7.
  const c2s = { inIf: 3, outIf: 7 };
  const s2c = { inIf: 7, outIf: 3 };
  const ifs = (r: FlowRecord) => [r.exporter, r.inIf, r.outIf];

  it('two halves: the client -> server half states them, whichever half comes first', () => {
    for (const order of ['client first', 'server first']) {
      const { agg, out } = setup();
      const halves = [flow(c2s), reply(s2c)];
      if (order === 'server first') halves.reverse();
      halves.forEach((h, i) => agg.add(h, 'netflow', T0 + i));
      agg.flushAll();
      assert.deepEqual(out.map(ifs), [['192.0.2.1', 3, 7]], order);
    }
  });

  it('only the server -> client half seen: its interfaces swapped', () => {
    const { agg, out } = setup();
    agg.add(reply({ ...s2c, tcpFlags: 0x12 }), 'netflow', T0);
    agg.flushAll();
    assert.equal(out[0].client, '10.0.0.1');
    assert.deepEqual(out.map(ifs), [['192.0.2.1', 3, 7]]);
  });

  it('a biflow from the server side: forward interfaces are the server\'s, so swapped', () => {
    const { agg, out } = setup();
    agg.add(reply({ ...s2c, bytes: 5000, packets: 5, reverseBytes: 100, reversePackets: 1, initiator: 'dst' }), 'ipfix', T0);
    assert.equal(out[0].client, '10.0.0.1');
    assert.deepEqual(out.map(ifs), [['192.0.2.1', 3, 7]]);
  });

  it('sFlow samples both ways: the client\'s first sample states them', () => {
    const { agg, out } = setup();
    agg.add(sample({ ...s2c, src: '10.0.0.2', dst: '10.0.0.1', srcPort: 443, dstPort: 40000 }), 'sflow', T0);
    agg.add(sample({ ...c2s }), 'sflow', T0 + 1);
    agg.add(sample({ inIf: 4, outIf: 7 }), 'sflow', T0 + 2); // a later path change does not split the record
    agg.flushAll();
    assert.equal(out.length, 1);
    assert.equal(out[0].client, '10.0.0.1');
    assert.deepEqual(out.map(ifs), [['192.0.2.1', 3, 7]]);
  });
});

describe('FlowAggregator: conversation starts', () => {
  it('a SYN begins a conversation; the exporter\'s later records of it continue; a reused port after it begins again', () => {
    const { agg, out } = setup({ pairWindowMs: 1000 });
    // Biflows (reverse counters): each is written as it comes.
    const bi = { reverseBytes: 100, reversePackets: 1, reverseTcpFlags: 0x12 };
    agg.add(flow({ ...bi, tcpFlags: 0x1a, firstSeen: T0, lastSeen: T0 + 60_000 }), 'ipfix', T0 + 60_000);
    agg.add(flow({ ...bi, tcpFlags: 0x18, reverseTcpFlags: 0x10, firstSeen: T0 + 60_000, lastSeen: T0 + 90_000 }), 'ipfix', T0 + 90_000);
    agg.add(flow({ ...bi, tcpFlags: 0x1b, firstSeen: T0 + 200_000, lastSeen: T0 + 201_000 }), 'ipfix', T0 + 201_000);
    agg.flushAll();
    assert.deepEqual(out.map((r) => r.starts), [1, 0, 1]);
  });

  it('two halves that miss each other are one conversation: the later one overlaps the first and continues it', () => {
    const { agg, out } = setup({ pairWindowMs: 1000 });
    agg.add(flow({ tcpFlags: 0x1b, firstSeen: T0, lastSeen: T0 + 5000 }), 'netflow', T0 + 5000);
    // Another conversation comes between them (a half waits for its partner in the very next flow too).
    agg.add(flow({ src: '10.9.9.9', tcpFlags: 0x1b }), 'netflow', T0 + 7000);
    agg.add(reply({ tcpFlags: 0x1b, firstSeen: T0 + 1, lastSeen: T0 + 5000 }), 'netflow', T0 + 9000);
    agg.flushAll();
    assert.equal(agg.stats.unpaired, 3);
    const halves = out.filter((r) => r.client !== '10.9.9.9' && r.server !== '10.9.9.9');
    assert.deepEqual(halves.map((r) => [r.client, r.starts]), [['10.0.0.1', 1], ['10.0.0.1', 0]]);
  });

  it('UDP: a key back after the idle timeout begins a new conversation; its sides are remembered', () => {
    const { agg, out } = setup({ pairWindowMs: 1000 });
    const udp = { proto: 17, srcPort: 45000, dstPort: 45000, tcpFlags: 0, reverseBytes: 10, reversePackets: 1 };
    agg.add(flow({ ...udp, firstSeen: T0, lastSeen: T0 + 1000 }), 'ipfix', T0 + 1000);
    // The other end is `src` now: without the memory the first sender would turn it round.
    agg.add({ ...reply({ ...udp }), reverseBytes: 10, reversePackets: 1, firstSeen: T0 + 5000, lastSeen: T0 + 6000 }, 'ipfix', T0 + 6000);
    agg.add(flow({ ...udp, firstSeen: T0 + 60_000, lastSeen: T0 + 61_000 }), 'ipfix', T0 + 61_000);
    agg.flushAll();
    assert.deepEqual(out.map((r) => [r.client, r.starts]), [['10.0.0.1', 1], ['10.0.0.1', 0], ['10.0.0.1', 1]]);
  });
});

describe('FlowAggregator: keys are hashes', () => {
  /** Every conversation under one key: what a hash collision does, made to happen on every flow. */
  class Colliding extends Hash53 {
    override value(): number {
      return 42;
    }
  }

  it('a collision never merges two conversations: the one held is written out, unpaired or early, with its own counters', () => {
    const { agg, out } = setup();
    (agg as unknown as { hash: Hash53 }).hash = new Colliding();
    const a = flow({ bytes: 1000, packets: 10 });
    const b = flow({ src: '10.0.0.3', bytes: 3000, packets: 30 });
    agg.add(a, 'netflow', T0);
    agg.add(b, 'netflow', T0 + 10);
    agg.add(reply({ bytes: 2000, packets: 20 }), 'netflow', T0 + 20);
    agg.flushAll();
    // The ends and the counters of each (which end is the client may follow the colliding key's
    // remembered sides: the conversation memory is keyed by the same hash, and that only sways sides).
    assert.deepEqual(
      out.map((r) => [[r.client, r.server].sort().join(' '), r.bytesC2s + r.bytesS2c, r.packetsC2s + r.packetsS2c]),
      [['10.0.0.1 10.0.0.2', 1000, 10], ['10.0.0.2 10.0.0.3', 3000, 30], ['10.0.0.1 10.0.0.2', 2000, 20]],
    );
    assert.equal(agg.stats.unpaired, 3);
    assert.equal(agg.stats.paired, 0);

    const s = setup();
    (s.agg as unknown as { hash: Hash53 }).hash = new Colliding();
    s.agg.add(sample({ srcPort: 1111 }), 'sflow', T0);
    s.agg.add(sample({ srcPort: 2222 }), 'sflow', T0 + 10);
    s.agg.flushAll();
    assert.deepEqual(s.out.map((r) => [r.clientPort, r.packetsC2s]), [[1111, 10], [2222, 10]]);
    assert.equal(s.agg.stats.sampled, 2);
  });

  it('without collisions, conversations that differ only in the exporter, the VLAN or a port stay apart', () => {
    const { agg, out } = setup();
    const variants = [{}, { exporter: '192.0.2.2' }, { domain: 1 }, { vlan: 7 }, { srcPort: 40001 }, { dst: '10.0.0.20' }, { proto: 17 }];
    for (const [i, v] of variants.entries()) agg.add(flow({ ...v, bytes: 100 * (i + 1) }), 'netflow', T0 + i);
    for (const [i, v] of variants.entries()) agg.add(reply({ ...v, bytes: 1 }), 'netflow', T0 + 100 + i);
    agg.flushAll();
    assert.equal(agg.stats.paired, variants.length);
    assert.deepEqual(out.map((r) => r.bytesC2s).sort((x, y) => x - y), variants.map((_, i) => 100 * (i + 1)));
    assert.ok(out.every((r) => r.bytesS2c === 1));
  });
});
