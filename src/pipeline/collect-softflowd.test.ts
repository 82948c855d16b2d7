/**
 * End to end with a real exporter: softflowd reads a generated lab capture and exports it as NetFlow
 * v5, v9, IPFIX and IPFIX biflow to `flowmap collect` over loopback. flowmap's totals must equal
 * tshark's totals of the capture (IPv4 only for v5, which cannot carry IPv6), every TCP conversation
 * must match tshark's byte and packet counts per direction, and the client must be the lab's client.
 * The same export datagrams, replayed to nfdump's nfcapd, must give the same totals and TCP conversations.
 * The capture is raw IP: softflowd counts Ethernet padding of short frames as IP bytes, tshark does not.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeLabCapture, type LabTruth } from '../gen/lab.js';
import { LINKTYPE } from '../gen/pcap-writer.js';
import type { ConversationRow } from '../store/store.js';
import { runCli } from '../testing/cli.js';
import { startCollect, udpRelay, waitForDatagrams } from '../testing/collector.js';
import { flowmapConversations } from '../testing/flows.js';
import { hasNfcapd, nfcapdFlows } from '../testing/nfcapd.js';
import { nfdumpConversations } from '../testing/nfdump-convs.js';
import { hasSoftflowd, softflowdExport } from '../testing/softflowd.js';
import { hasTshark, tsharkConversations, type ConvTotals } from '../testing/tshark.js';

const skip = !hasSoftflowd() ? 'softflowd not installed' : !hasTshark() ? 'tshark not installed' : !hasNfcapd() ? 'nfdump not installed' : false;

interface Totals {
  bytes: number;
  packets: number;
}

function totals(convs: Map<string, ConvTotals>, v4only: boolean): Totals {
  const t = { bytes: 0, packets: 0 };
  for (const [k, c] of convs) {
    if (v4only && k.includes(':')) continue;
    t.bytes += c.bytesAB + c.bytesBA;
    t.packets += c.pktsAB + c.pktsBA;
  }
  return t;
}

/** TCP conversations only (fragments and ICMP are keyed differently by exporters), VLAN dropped (raw IP has none). */
function tcp(convs: Map<string, ConvTotals>, v4only: boolean): Map<string, ConvTotals> {
  const out = new Map<string, ConvTotals>();
  for (const [k, c] of convs) if (k.startsWith('6|') && !(v4only && k.includes(':'))) out.set(k, c);
  return out;
}

describe('softflowd -> flowmap collect', { skip }, () => {
  let dir: string;
  let pcap: string;
  let truth: LabTruth;
  let tshark: Map<string, ConvTotals>;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'flowmap-softflowd-'));
    pcap = join(dir, 'lab.pcap');
    truth = writeLabCapture(pcap, { packets: 20_000, linkType: LINKTYPE.RAW, seed: 7 });
    tshark = tsharkConversations(pcap);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cases: Array<{ name: string; args: string[]; v4only: boolean; protocol: string }> = [
    { name: 'NetFlow v5', args: ['-v', '5', '-a'], v4only: true, protocol: 'netflow-v5' },
    { name: 'NetFlow v9', args: ['-v', '9', '-A', 'milli'], v4only: false, protocol: 'netflow-v9' },
    { name: 'IPFIX', args: ['-v', '10', '-A', 'milli'], v4only: false, protocol: 'ipfix' },
    { name: 'IPFIX biflow', args: ['-v', '10', '-A', 'milli', '-b'], v4only: false, protocol: 'ipfix' },
  ];
  for (const c of cases) {
    it(`${c.name}: totals and TCP conversations equal tshark's, clients equal the lab's`, async () => {
      const db = join(dir, `${c.name.replace(/\W/g, '')}.duckdb`);
      const collector = await startCollect(db, ['--no-ipfix', '--no-sflow']);
      const relay = await udpRelay(collector.ports.netflow);
      let stopped;
      try {
        await softflowdExport(pcap, relay.port, c.args);
        assert.ok(relay.datagrams.length > 0, 'softflowd exported nothing');
        assert.equal(await waitForDatagrams(db, relay.datagrams.length), relay.datagrams.length);
      } finally {
        await relay.close();
        stopped = await collector.stop();
      }
      assert.equal(stopped.code, 0, stopped.stderr);
      const summary = JSON.parse(stopped.stdout) as { kernelDrops: number; overflow: number; unknown: number };
      assert.deepEqual([summary.kernelDrops, summary.overflow, summary.unknown], [0, 0, 0]);

      const top = runCli(['--db', db, 'top', '--by', 'flows', '--json', '--limit', '1000000']);
      assert.equal(top.code, 0, top.stderr);
      const rows = JSON.parse(top.stdout) as ConversationRow[];
      const mine = flowmapConversations(rows);
      assert.deepEqual(totals(mine, false), totals(tshark, c.v4only));
      assert.deepEqual(tcp(mine, false), tcp(tshark, c.v4only));

      // Direction: every TCP conversation's client is the lab's client.
      const labClient = new Map(truth.conversations.filter((x) => x.proto === 6).map((x) => [`${x.client}#${x.clientPort}>${x.server}#${x.serverPort}`, true]));
      const wrong = rows
        .filter((r) => r.proto === 'tcp' && !(c.v4only && r.client.includes(':')))
        .filter((r) => !labClient.has(`${r.client}#${r.client_port}>${r.server}#${r.port}`))
        .map((r) => `${r.client}:${r.client_port} -> ${r.server}:${r.port}`);
      assert.deepEqual(wrong, []);

      // A second collector, nfdump's nfcapd, fed the very same datagrams.
      const nfcapd = nfdumpConversations(await nfcapdFlows(relay.datagrams));
      assert.deepEqual(totals(nfcapd, false), totals(mine, false));
      assert.deepEqual(tcp(nfcapd, false), tcp(mine, false));

      const health = runCli(['--db', db, 'exporters', '--json']);
      const h = JSON.parse(health.stdout) as Array<{ protocol: string; errors: number; sequence_gaps: number; template_misses: number; datagrams: number }>;
      assert.deepEqual(h.map((x) => [x.protocol, x.errors, x.template_misses, x.sequence_gaps, x.datagrams]), [[c.protocol, 0, 0, 0, relay.datagrams.length]]);
    });
  }
});
