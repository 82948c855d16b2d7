/**
 * Every sFlow file of the shared corpus decodes; per file, the samples, sampling rates, addresses and
 * IP lengths equal tshark's decoding (`-d udp.port==6343,sflow`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { HealthBook, type ExportedFlow } from '../../model.js';
import { createSflowDecoder } from './index.js';
import { readExportDatagrams } from '../../../testing/flowexport-datagrams.js';
import { corpusDir, corpusMissing } from '../../../testing/corpus-dir.js';
import { hasTshark } from '../../../testing/tshark.js';
import { sorted, tsharkFieldValues } from '../../../testing/tshark-flowexport.js';

const DIR = corpusDir('exporters');
const MISSING = corpusMissing(DIR);
const FILES = MISSING ? [] : readdirSync(DIR).filter((f) => f.startsWith('sflow-'));

/** Files with datagrams that are damaged on purpose (tcpdump's tests): errors expected. */
const DAMAGED: Record<string, number> = {
  'sflow-tcpdump-sflow_print-segv.pcap': 2,
  'sflow-tcpdump-sflow_multiple_counter_30_pdus.pcap': 5,
};

async function decodeFile(file: string) {
  const datagrams = await readExportDatagrams(join(DIR, file));
  const book = new HealthBook();
  const dec = createSflowDecoder(book);
  const flows: ExportedFlow[] = [];
  for (const d of datagrams) dec.decode(d.payload, d.src, d.tsMs, (f) => flows.push(f));
  return { datagrams, flows, health: book.all() };
}

test('the corpus has sFlow files', { skip: MISSING }, () => assert.ok(FILES.length >= 15));

for (const file of FILES) {
  test(`corpus ${file}: decodes, counted, same as tshark`, async (t) => {
    const { datagrams, flows, health } = await decodeFile(file);
    assert.equal(health.reduce((n, h) => n + h.datagrams, 0), datagrams.length);
    assert.equal(health.reduce((n, h) => n + h.errors, 0), DAMAGED[file] ?? 0, JSON.stringify(health.map((h) => h.errorReasons)));
    assert.equal(health.reduce((n, h) => n + h.records, 0), flows.length);
    for (const f of flows) {
      assert.equal(f.packets, 1);
      assert.ok(f.bytes >= 20 && f.samplingRate >= 1 && f.firstSeen === f.lastSeen);
    }
    // Without tshark the decoding checks above ran, the comparison did not: report the test skipped.
    if (!hasTshark()) return t.skip('tshark not on PATH: the tshark comparison did not run');
    const F = ['sflow.flow_sample.sampling_rate', 'ip.src', 'ip.dst', 'ip.len', 'ipv6.src', 'ipv6.dst', 'ipv6.plen',
      'sflow_245.ipv4_src', 'sflow_245.ipv4_dst', 'sflow_245.ipv6_src', 'sflow_245.ipv6_dst',
      'sflow.flow_sample.input_interface', 'sflow.flow_sample.input_interface_value'];
    const v = tsharkFieldValues(join(DIR, file), 6343, 'sflow', F, ['ip.src', 'ip.dst', 'ip.len']);
    // One flow per flow sample, with the sample's rate.
    assert.deepEqual(sorted(flows.map((f) => f.samplingRate)), sorted(v.get('sflow.flow_sample.sampling_rate')!));
    // And with the sample's input interface (compact and expanded samples), as tshark reads it.
    const ifs = (...names: string[]) => sorted(names.flatMap((n) => v.get(n)!));
    assert.deepEqual(sorted(flows.map((f) => f.inIf)), ifs('sflow.flow_sample.input_interface', 'sflow.flow_sample.input_interface_value'), 'input interfaces');
    // tshark also opens tunnels inside sampled headers: every flow is among the packets it found.
    const pool = (...names: string[]) => names.flatMap((n) => v.get(n)!);
    const src = pool('ip.src', 'ipv6.src', 'sflow_245.ipv4_src', 'sflow_245.ipv6_src');
    const dst = pool('ip.dst', 'ipv6.dst', 'sflow_245.ipv4_dst', 'sflow_245.ipv6_dst');
    const len = [...v.get('ip.len')!, ...v.get('ipv6.plen')!.map((x) => String(40 + Number(x)))];
    const take = (xs: string[], x: string) => {
      const i = xs.indexOf(x);
      if (i >= 0) xs.splice(i, 1);
      return i >= 0;
    };
    for (const f of flows) {
      assert.ok(take(src, f.src), `source ${f.src} not in tshark's ${src}`);
      assert.ok(take(dst, f.dst), `destination ${f.dst} not in tshark's ${dst}`);
      if (v.get('sflow_245.ipv4_src')!.length === 0) assert.ok(take(len, String(f.bytes)), `IP length ${f.bytes} not in tshark's ${len}`);
    }
  });
}

