/**
 * Every NetFlow/IPFIX file of the shared corpus, replayed (template files first) into one decoder,
 * and cross-checked against two independent decoders: nfdump's nfcapd (a second collector, fed the
 * same datagrams over loopback) and tshark (`-d udp.port==P,cflow`, where installed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HealthBook, type ExportedFlow, type ExporterHealth } from '../../model.js';
import { createNetflowDecoder } from './index.js';
import { readExportDatagrams, datagramsPcap, type CapturedDatagram } from '../../../testing/flowexport-datagrams.js';
import { hasNfcapd, nfcapdFlows, unmatchedRows } from '../../../testing/nfcapd.js';
import { hasTshark } from '../../../testing/tshark.js';
import { corpusDir, corpusMissing } from '../../../testing/corpus-dir.js';
import { sorted, tsharkFieldValues } from '../../../testing/tshark-flowexport.js';

const DIR = corpusDir('exporters');
const MISSING = corpusMissing(DIR);

interface Group {
  files: string[];
  records: number;
  /** Sampling rates of the records, as a sorted set (Akvorado's tests and nfcapd agree on these). */
  rates: number[];
  /** Records the exporter sent that cannot be flows (their sampled frame is not IP we can open). */
  undecodable?: number;
  /** nfcapd does not decode these records the same way (see `why`): compare counts only, or skip. */
  nfcapd?: 'subset' | 'skip';
  /** Records carry a sampled frame (dataLinkFrameSection), not addresses: tshark's cflow fields do not apply. */
  frames?: boolean;
  /** NAT event records (NSEL/NEL) carry no counters. */
  noCounters?: boolean;
}

const GROUPS: Group[] = [
  { files: ['nfv5'], records: 29, rates: [1] },
  // Data before its template in the same datagram: held and decoded; nfcapd drops it.
  { files: ['data+templates'], records: 21, rates: [100], nfcapd: 'subset' },
  { files: ['template', 'options-template', 'options-data', 'data'], records: 4, rates: [30000] },
  { files: ['datalink-template', 'datalink-data'], records: 1, rates: [0], nfcapd: 'skip', frames: true },
  { files: ['ethernet-over-mpls-with-control-word-template', 'ethernet-over-mpls-with-control-word-data'], records: 8, rates: [0], undecodable: 2, nfcapd: 'skip', frames: true },
  { files: ['icmp-template', 'icmp-data'], records: 4, rates: [0] },
  { files: ['ipfix-srv6-template', 'ipfix-srv6-data'], records: 1, rates: [0], nfcapd: 'skip', frames: true },
  { files: ['ipfixprobe-templates', 'ipfixprobe-data'], records: 4, rates: [0] },
  { files: ['juniper-cpid-template', 'juniper-cpid-data'], records: 1, rates: [0], nfcapd: 'skip', frames: true },
  // samplingPacketInterval/Space (305/306) in options data: 1 in (1 + 9).
  { files: ['mpls'], records: 2, rates: [10] },
  { files: ['multiplesamplingrates-template', 'multiplesamplingrates-options-template', 'multiplesamplingrates-options-data', 'multiplesamplingrates-data'], records: 12, rates: [2000, 4000] },
  { files: ['nat'], records: 9, rates: [0], noCounters: true },
  // Both IPv4 and IPv6 address fields in one template; nfcapd takes the (zero) IPv6 ones.
  { files: ['physicalinterfaces'], records: 8, rates: [1000], nfcapd: 'skip' },
  // samplingInterval inside each data record.
  { files: ['samplingrate-template', 'samplingrate-data'], records: 6, rates: [2048] },
];

async function replay(g: Group): Promise<{ datagrams: CapturedDatagram[]; flows: ExportedFlow[]; health: ExporterHealth[] }> {
  const datagrams: CapturedDatagram[] = [];
  for (const f of g.files) datagrams.push(...(await readExportDatagrams(join(DIR, `netflow-${f}.pcap`))));
  const book = new HealthBook();
  const dec = createNetflowDecoder(book);
  const flows: ExportedFlow[] = [];
  for (const d of datagrams) dec.decode(d.payload, d.src, d.tsMs, (f) => flows.push(f));
  dec.finish();
  return { datagrams, flows, health: book.all() };
}

test('every netflow file of the corpus is in a replay group', { skip: MISSING }, () => {
  const named = new Set(GROUPS.flatMap((g) => g.files.map((f) => `netflow-${f}.pcap`)));
  const files = readdirSync(DIR).filter((f) => f.startsWith('netflow-'));
  assert.deepEqual(files.filter((f) => !named.has(f)), []);
  assert.equal(named.size, files.length);
});

for (const g of GROUPS) {
  test(`corpus ${g.files.join(' + ')}: records, sampling, health`, { skip: MISSING }, async () => {
    const { flows, health } = await replay(g);
    assert.equal(flows.length, g.records);
    assert.deepEqual([...new Set(flows.map((f) => f.samplingRate))].sort((a, b) => a - b), g.rates);
    const errors = health.reduce((n, h) => n + h.errors, 0);
    assert.equal(errors, g.undecodable ?? 0, JSON.stringify(health.map((h) => h.errorReasons)));
    assert.equal(health.reduce((n, h) => n + h.templateMisses, 0), 0);
    assert.equal(health.reduce((n, h) => n + h.records, 0), g.records);
    for (const f of flows) {
      assert.ok(f.firstSeen > Date.UTC(2000, 0, 1) && f.firstSeen <= f.lastSeen, `times ${f.firstSeen} ${f.lastSeen}`);
      if (g.noCounters) assert.ok(f.packets === 0 && f.bytes === 0);
      else assert.ok(f.packets > 0 && f.bytes >= 20 * f.packets, `counters ${f.packets} ${f.bytes}`);
    }
  });
}

for (const g of GROUPS.filter((x) => x.nfcapd !== 'skip')) {
  test(`corpus ${g.files.join(' + ')}: same records as nfcapd`, { skip: MISSING || (hasNfcapd() ? false : 'nfcapd/nfdump not installed') }, async () => {
    const { datagrams, flows } = await replay(g);
    const rows = await nfcapdFlows(datagrams.map((d) => d.payload));
    if (g.nfcapd !== 'subset') assert.equal(rows.length, flows.length);
    else assert.ok(rows.length > 0 && rows.length < flows.length);
    assert.deepEqual(unmatchedRows(rows, flows), []);
  });
}

for (const g of GROUPS.filter((x) => !x.frames)) {
  test(`corpus ${g.files.join(' + ')}: same addresses, ports, protocols, bytes, packets as tshark`, { skip: MISSING || (hasTshark() ? false : 'tshark not installed') }, async () => {
    const { datagrams, flows } = await replay(g);
    const dir = mkdtempSync(join(tmpdir(), 'flowmap-cflow-'));
    try {
      const file = join(dir, 'replay.pcap');
      writeFileSync(file, datagramsPcap(datagrams));
      const F = ['cflow.srcaddr', 'cflow.dstaddr', 'cflow.srcaddrv6', 'cflow.dstaddrv6', 'cflow.srcport', 'cflow.dstport', 'cflow.protocol',
        'cflow.octets', 'cflow.packets', 'cflow.inputint', 'cflow.outputint'];
      const v = tsharkFieldValues(file, datagrams[0].dstPort, 'cflow', F);
      // tshark decodes data only after its template: data held for a later template is flowmap's extra.
      const n = v.get('cflow.protocol')!.length;
      assert.ok(n > 0);
      const ok = g.nfcapd === 'subset' ? n <= flows.length : n === flows.length;
      assert.ok(ok, `tshark ${n} records, flowmap ${flows.length}`);
      if (g.nfcapd === 'subset') return;
      const v4 = flows.filter((f) => f.ipVersion === 4);
      const v6 = flows.filter((f) => f.ipVersion === 6);
      // Templates with both families carry zeros in the unused one.
      const noZero6 = (xs: string[]) => xs.filter((x) => x !== '::');
      assert.deepEqual(sorted(v.get('cflow.srcaddr')!.filter((x) => v4.length > 0 || x !== '0.0.0.0')), sorted(v4.map((f) => f.src)));
      assert.deepEqual(sorted(v.get('cflow.dstaddr')!.filter((x) => v4.length > 0 || x !== '0.0.0.0')), sorted(v4.map((f) => f.dst)));
      assert.deepEqual(sorted(noZero6(v.get('cflow.srcaddrv6')!)), sorted(v6.map((f) => f.src)));
      assert.deepEqual(sorted(noZero6(v.get('cflow.dstaddrv6')!)), sorted(v6.map((f) => f.dst)));
      assert.deepEqual(sorted(v.get('cflow.srcport')!), sorted(flows.map((f) => f.srcPort)));
      assert.deepEqual(sorted(v.get('cflow.dstport')!), sorted(flows.map((f) => f.dstPort)));
      assert.deepEqual(sorted(v.get('cflow.protocol')!), sorted(flows.map((f) => f.proto)));
      // Interfaces: tshark shows them where the template has them; flowmap reads 0 where it has not.
      for (const [field, pick] of [['cflow.inputint', (f: ExportedFlow) => f.inIf], ['cflow.outputint', (f: ExportedFlow) => f.outIf]] as const) {
        const shown = v.get(field)!;
        assert.deepEqual(sorted(shown), shown.length === 0 ? [] : sorted(flows.map(pick)), field);
        if (shown.length === 0) assert.ok(flows.every((f) => pick(f) === 0), `${field}: none in tshark, flowmap reads 0`);
      }
      // Reverse (RFC 5103) counters may be shown under the same field names.
      const bytes = v.get('cflow.octets')!;
      const pkts = v.get('cflow.packets')!;
      const fwdB = g.noCounters ? [] : flows.map((f) => f.bytes);
      const fwdP = g.noCounters ? [] : flows.map((f) => f.packets);
      const biflow = flows.some((f) => f.reverseBytes > 0);
      assert.ok(
        JSON.stringify(sorted(bytes)) === JSON.stringify(sorted(fwdB)) || (biflow && JSON.stringify(sorted(bytes)) === JSON.stringify(sorted([...fwdB, ...flows.map((f) => f.reverseBytes)]))),
        `bytes: tshark ${sorted(bytes)} flowmap ${sorted(fwdB)}`,
      );
      assert.ok(
        JSON.stringify(sorted(pkts)) === JSON.stringify(sorted(fwdP)) || (biflow && JSON.stringify(sorted(pkts)) === JSON.stringify(sorted([...fwdP, ...flows.map((f) => f.reversePackets)]))),
        `packets: tshark ${sorted(pkts)} flowmap ${sorted(fwdP)}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

for (const g of GROUPS.filter((x) => x.frames)) {
  test(`corpus ${g.files.join(' + ')}: sampled frames decode as tshark decodes them`, { skip: MISSING || (hasTshark() ? false : 'tshark not installed') }, async () => {
    const { datagrams, flows } = await replay(g);
    const dir = mkdtempSync(join(tmpdir(), 'flowmap-cflow-'));
    try {
      const file = join(dir, 'replay.pcap');
      writeFileSync(file, datagramsPcap(datagrams));
      const F = ['cflow.data_link_frame_section', 'ip.src', 'ip.dst', 'ip.len', 'ipv6.src', 'ipv6.dst', 'ipv6.plen'];
      const v = tsharkFieldValues(file, datagrams[0].dstPort, 'cflow', F, ['ip.src', 'ip.dst', 'ip.len']);
      assert.equal(v.get('cflow.data_link_frame_section')!.length, g.records + (g.undecodable ?? 0));
      // tshark also opens tunnels inside the frames: every flow flowmap found is among its packets.
      const has = (xs: string[], x: string) => {
        const i = xs.indexOf(x);
        if (i >= 0) xs.splice(i, 1);
        return i >= 0;
      };
      const src = [...v.get('ip.src')!, ...v.get('ipv6.src')!];
      const dst = [...v.get('ip.dst')!, ...v.get('ipv6.dst')!];
      const len = [...v.get('ip.len')!, ...v.get('ipv6.plen')!.map((x) => String(40 + Number(x)))];
      for (const f of flows) {
        assert.ok(has(src, f.src), `source ${f.src} not in tshark's ${src}`);
        assert.ok(has(dst, f.dst), `destination ${f.dst}`);
        assert.ok(has(len, String(f.bytes)), `IP length ${f.bytes} not in tshark's ${len}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
