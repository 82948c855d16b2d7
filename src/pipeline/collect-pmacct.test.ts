/**
 * End to end with pmacct: pmacctd reads a generated lab capture and exports it with its nfprobe plugin
 * (NetFlow v9, IPFIX) and its sfprobe plugin (sFlow v5, 1 in 1 sampling) to `flowmap collect`.
 * Totals equal tshark's totals of the capture and every TCP conversation equals tshark's; NetFlow/IPFIX
 * equal what nfdump's nfcapd records from the same datagrams.
 *
 * sfprobe never sends its last partly filled datagram when pmacctd reaches the end of the file, so the
 * capture ends with a tail of filler packets between two TEST-NET-2 hosts, left out of the comparison.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeLabCapture } from '../gen/lab.js';
import { LINKTYPE } from '../gen/pcap-writer.js';
import type { ConversationRow } from '../store/store.js';
import { runCli } from '../testing/cli.js';
import { startCollect, udpRelay, waitForDatagrams, type UdpRelay } from '../testing/collector.js';
import { flowmapConversations } from '../testing/flows.js';
import { hasNfcapd, nfcapdFlows } from '../testing/nfcapd.js';
import { nfdumpConversations } from '../testing/nfdump-convs.js';
import { hasPmacctd, pmacctdExport } from '../testing/pmacct.js';
import { hasTshark, tsharkConversations, type ConvTotals } from '../testing/tshark.js';

const skip = !hasPmacctd() ? 'pmacct not installed' : !hasTshark() ? 'tshark not installed' : !hasNfcapd() ? 'nfdump not installed' : false;
const FILLER = '198.51.100.';

/** Append `n` small UDP packets 198.51.100.1:9 -> 198.51.100.2:9 to a little-endian, microsecond, raw-IP pcap. */
function appendFiller(file: string, n: number, atMs: number): void {
  const recs: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const ip = Buffer.alloc(28);
    ip.writeUInt8(0x45, 0);
    ip.writeUInt16BE(28, 2);
    ip.writeUInt16BE(i, 4);
    ip.writeUInt8(64, 8);
    ip.writeUInt8(17, 9);
    ip.set([198, 51, 100, 1], 12);
    ip.set([198, 51, 100, 2], 16);
    let sum = 0;
    for (let k = 0; k < 20; k += 2) sum += ip.readUInt16BE(k);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    ip.writeUInt16BE(~sum & 0xffff, 10);
    ip.writeUInt16BE(9, 20);
    ip.writeUInt16BE(9, 22);
    ip.writeUInt16BE(8, 24);
    const hdr = Buffer.alloc(16);
    const ms = atMs + i;
    hdr.writeUInt32LE(Math.floor(ms / 1000), 0);
    hdr.writeUInt32LE((ms % 1000) * 1000, 4);
    hdr.writeUInt32LE(28, 8);
    hdr.writeUInt32LE(28, 12);
    recs.push(hdr, ip);
  }
  appendFileSync(file, Buffer.concat(recs));
}

function sums(convs: Map<string, ConvTotals>, keep: (key: string) => boolean): { bytes: number; packets: number } {
  const t = { bytes: 0, packets: 0 };
  for (const [k, c] of convs) {
    if (!keep(k)) continue;
    t.bytes += c.bytesAB + c.bytesBA;
    t.packets += c.pktsAB + c.pktsBA;
  }
  return t;
}

function only(convs: Map<string, ConvTotals>, keep: (key: string) => boolean): Map<string, ConvTotals> {
  return new Map([...convs].filter(([k]) => keep(k)));
}

const notFiller = (k: string): boolean => !k.includes(FILLER);
const tcpNotFiller = (k: string): boolean => k.startsWith('6|') && notFiller(k);

/** Wait until no datagram has come to the relay for a second (pmacctd's plugins finish after it exits). */
async function settled(relay: UdpRelay): Promise<number> {
  let n = -1;
  while (n !== relay.datagrams.length) {
    n = relay.datagrams.length;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return n;
}

async function storedConversations(db: string): Promise<Map<string, ConvTotals>> {
  const top = runCli(['--db', db, 'top', '--by', 'flows', '--json', '--limit', '1000000']);
  assert.equal(top.code, 0, top.stderr);
  return flowmapConversations(JSON.parse(top.stdout) as ConversationRow[]);
}

describe('pmacctd (nfprobe, sfprobe) -> flowmap collect', { skip }, () => {
  let dir: string;
  let pcap: string;
  let tshark: Map<string, ConvTotals>;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'flowmap-pmacct-'));
    pcap = join(dir, 'lab.pcap');
    const truth = writeLabCapture(pcap, { packets: 20_000, linkType: LINKTYPE.RAW, seed: 11 });
    appendFiller(pcap, 64, truth.lastMs + 1000);
    tshark = tsharkConversations(pcap);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const version of [9, 10]) {
    it(`nfprobe ${version === 9 ? 'NetFlow v9' : 'IPFIX'} and sfprobe sFlow: totals and TCP conversations equal tshark's and nfcapd's`, async () => {
      const flowsDb = join(dir, `nf${version}.duckdb`);
      const samplesDb = join(dir, `sf${version}.duckdb`);
      const nf = await startCollect(flowsDb, ['--no-ipfix', '--no-sflow']);
      const sf = await startCollect(samplesDb, ['--no-netflow', '--no-ipfix']);
      const nfRelay = await udpRelay(nf.ports.netflow);
      const sfRelay = await udpRelay(sf.ports.sflow);
      let nfStop;
      let sfStop;
      try {
        // One plugin per run: with two, pmacctd's core drops packets on the way to a busy plugin.
        await pmacctdExport(pcap, ['plugins: nfprobe[nf]', `nfprobe_receiver[nf]: 127.0.0.1:${nfRelay.port}`, `nfprobe_version[nf]: ${version}`]);
        // sfprobe samples every packet unless told otherwise.
        await pmacctdExport(pcap, ['plugins: sfprobe[sf]', `sfprobe_receiver[sf]: 127.0.0.1:${sfRelay.port}`]);
        const nfCount = await settled(nfRelay);
        const sfCount = await settled(sfRelay);
        assert.ok(nfCount > 0 && sfCount > 0, `pmacctd exported ${nfCount} NetFlow and ${sfCount} sFlow datagrams`);
        assert.equal(await waitForDatagrams(flowsDb, nfCount), nfCount);
        assert.equal(await waitForDatagrams(samplesDb, sfCount), sfCount);
      } finally {
        await nfRelay.close();
        await sfRelay.close();
        nfStop = await nf.stop();
        sfStop = await sf.stop();
      }
      assert.equal(nfStop.code, 0, nfStop.stderr);
      assert.equal(sfStop.code, 0, sfStop.stderr);

      // NetFlow v9 / IPFIX: every packet of the capture, filler included.
      const flows = await storedConversations(flowsDb);
      const all = (): boolean => true;
      assert.deepEqual(sums(flows, all), sums(tshark, all));
      assert.deepEqual(only(flows, tcpNotFiller), only(tshark, tcpNotFiller));
      const nfcapd = nfdumpConversations(await nfcapdFlows(nfRelay.datagrams));
      assert.deepEqual(sums(nfcapd, all), sums(flows, all));
      assert.deepEqual(only(nfcapd, tcpNotFiller), only(flows, tcpNotFiller));

      // sFlow at 1 in 1: every packet but sfprobe's unsent tail.
      const samples = await storedConversations(samplesDb);
      assert.deepEqual(sums(samples, notFiller), sums(tshark, notFiller));
      assert.deepEqual(only(samples, tcpNotFiller), only(tshark, tcpNotFiller));

      for (const db of [flowsDb, samplesDb]) {
        const h = JSON.parse(runCli(['--db', db, 'exporters', '--json']).stdout) as Array<{ protocol: string; errors: number; sequence_gaps: number; template_misses: number; sampling_rate: number }>;
        assert.equal(h.length, 1);
        assert.deepEqual([h[0].errors, h[0].sequence_gaps, h[0].template_misses], [0, 0, 0], JSON.stringify(h[0]));
        if (db === samplesDb) assert.equal(h[0].sampling_rate, 1);
      }
    });
  }
});
