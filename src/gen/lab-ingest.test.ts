/**
 * flowmap's whole capture path (reader -> decoder -> flow table -> DuckDB) against the generator's
 * ground truth: every conversation, bytes and packets each way, exactly. The capture is fed as the
 * generator's async chunk stream, as live capture feeds it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_FLOWS } from '../config/model.js';
import { ingestCapture } from '../pipeline/ingest.js';
import { ServiceRegistry } from '../services/registry.js';
import { openStore } from '../store/open.js';
import { conversationKey, LabGenerator, type LabOptions } from './lab.js';
import { LINKTYPE } from './pcap-writer.js';
import { parseProto } from '../util/protocols.js';

interface Counts {
  bytesC2s: number;
  bytesS2c: number;
  packetsC2s: number;
  packetsS2c: number;
}

const VARIANTS: { name: string; opts: LabOptions }[] = [
  { name: 'pcap µs, Ethernet + VLAN/QinQ', opts: { seed: 21 } },
  { name: 'pcapng ns big-endian, Ethernet + SLL + raw IP', opts: { seed: 22, format: 'pcapng', precision: 'ns', bigEndian: true, linkType: [LINKTYPE.ETHERNET, LINKTYPE.LINUX_SLL, LINKTYPE.RAW] } },
  { name: 'pcap, Linux SLL2', opts: { seed: 23, linkType: LINKTYPE.LINUX_SLL2 } },
  // 30 minutes of capture: long conversations are split by the active timeout; queries sum records.
  { name: 'long capture (active-timeout splits)', opts: { seed: 24, durationSec: 1800, packets: 15000 } },
];

describe('flowmap ingest vs lab ground truth', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'flowmap-labingest-'));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const [i, { name, opts }] of VARIANTS.entries()) {
    it(name, async () => {
      const gen = new LabGenerator({ packets: 20000, snaplen: 96, chunkSize: 256 << 10, ...opts });
      const store = await openStore(join(dir, `v${i}.duckdb`));
      try {
        const summary = await ingestCapture(gen.stream(), 'lab', { store, services: ServiceRegistry.builtin(), ...DEFAULT_FLOWS });
        const truth = gen.truth();
        assert.equal(summary.frames, truth.frames);
        // (summary.packets leaves out out-of-order fragments, held and credited to their flow later.)
        assert.equal(summary.skipped['not IP'] ?? 0, truth.nonIpFrames, 'non-IP frames skipped');
        if (opts.durationSec) assert.ok(summary.records > truth.conversations.length, 'long conversations were split into several records');
        const rows = await store.top('flows', { subnets: [], excludes: [], hosts: [], clients: [], servers: [], ports: [], protos: [], exporters: [], interfaces: [], limit: 1_000_000 });
        const got = new Map<string, Counts>();
        for (const r of rows) {
          const proto = parseProto(r.proto) ?? -1;
          const key = conversationKey({ proto, client: r.client, clientPort: r.client_port, server: r.server, serverPort: r.port, vlan: r.vlan });
          got.set(key, { bytesC2s: r.bytes_c2s, bytesS2c: r.bytes_s2c, packetsC2s: r.packets_c2s, packetsS2c: r.packets_s2c });
        }
        const want = new Map<string, Counts>();
        for (const c of truth.conversations) {
          want.set(conversationKey(c), { bytesC2s: c.bytesC2s, bytesS2c: c.bytesS2c, packetsC2s: c.packetsC2s, packetsS2c: c.packetsS2c });
        }
        const diff: string[] = [];
        for (const [k, w] of want) {
          const g = got.get(k);
          if (!g) diff.push(`missing ${k}`);
          else if (JSON.stringify(g) !== JSON.stringify(w)) diff.push(`${k}: got ${JSON.stringify(g)} want ${JSON.stringify(w)}`);
        }
        for (const k of got.keys()) if (!want.has(k)) diff.push(`extra ${k}`);
        assert.deepEqual(diff.slice(0, 20), [], `${diff.length} conversations differ`);
      } finally {
        await store.close();
      }
    });
  }
});
