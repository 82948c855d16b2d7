/**
 * FlowRecord[] <-> columns, for handing batches to the store worker: numbers travel in one
 * transferable Float64Array and strings in arrays, which the structured clone handles far faster
 * than thousands of small objects (and the caller's thread is the one decoding packets).
 */
import { DIRECTION_EVIDENCE, type FlowRecord } from '../flow/record.js';

/** Where each numeric field sits within a record's stride of `numbers`. */
export const F = {
  clientPort: 0,
  serverPort: 1,
  proto: 2,
  ipVersion: 3,
  vlan: 4,
  bytesC2s: 5,
  bytesS2c: 6,
  packetsC2s: 7,
  packetsS2c: 8,
  samplingRate: 9,
  tcpFlagsC2s: 10,
  tcpFlagsS2c: 11,
  firstSeen: 12,
  lastSeen: 13,
  /** Index into DIRECTION_EVIDENCE. */
  direction: 14,
  /** Index into `sources`. */
  source: 15,
  inIf: 16,
  outIf: 17,
  /** Index into `exporters`. */
  exporter: 18,
  starts: 19,
} as const;
export type NumericField = (typeof F)[keyof typeof F];

/** Numbers per record: the 14 numeric fields, the direction and source indexes, the interfaces, the exporter index, the starts. */
export const WIDTH = 20;

export interface RecordColumns {
  count: number;
  numbers: Float64Array<ArrayBuffer>;
  client: string[];
  server: string[];
  /** Sources repeat: each distinct one once, and an index per record in `numbers`. */
  sources: string[];
  /** Exporters likewise. */
  exporters: string[];
}

/** Index of `value` in `dict`, added when new (dictionaries hold a few distinct values). */
function indexIn(dict: string[], value: string): number {
  const i = dict.indexOf(value);
  return i >= 0 ? i : dict.push(value) - 1;
}

export function toColumns(records: readonly FlowRecord[]): RecordColumns {
  const n = records.length;
  const numbers = new Float64Array(n * WIDTH);
  const client = new Array<string>(n);
  const server = new Array<string>(n);
  const sources: string[] = [];
  const exporters: string[] = [];
  let lastSource = '';
  let lastIdx = -1;
  let lastExporter = '';
  let lastExporterIdx = -1;
  for (let i = 0; i < n; i++) {
    const r = records[i];
    const o = i * WIDTH;
    numbers[o] = r.clientPort;
    numbers[o + 1] = r.serverPort;
    numbers[o + 2] = r.proto;
    numbers[o + 3] = r.ipVersion;
    numbers[o + 4] = r.vlan;
    numbers[o + 5] = r.bytesC2s;
    numbers[o + 6] = r.bytesS2c;
    numbers[o + 7] = r.packetsC2s;
    numbers[o + 8] = r.packetsS2c;
    numbers[o + 9] = r.samplingRate;
    numbers[o + 10] = r.tcpFlagsC2s;
    numbers[o + 11] = r.tcpFlagsS2c;
    numbers[o + 12] = r.firstSeen;
    numbers[o + 13] = r.lastSeen;
    numbers[o + 14] = DIRECTION_EVIDENCE.indexOf(r.direction);
    if (r.source !== lastSource || lastIdx < 0) {
      lastIdx = indexIn(sources, r.source);
      lastSource = r.source;
    }
    numbers[o + 15] = lastIdx;
    numbers[o + 16] = r.inIf;
    numbers[o + 17] = r.outIf;
    if (r.exporter !== lastExporter || lastExporterIdx < 0) {
      lastExporterIdx = indexIn(exporters, r.exporter);
      lastExporter = r.exporter;
    }
    numbers[o + 18] = lastExporterIdx;
    numbers[o + 19] = r.starts;
    client[i] = r.client;
    server[i] = r.server;
  }
  return { count: n, numbers, client, server, sources, exporters };
}

/** Small integer fields come back as `| 0` so V8 keeps them unboxed in the record objects. */
export function fromColumns(c: RecordColumns): FlowRecord[] {
  const out = new Array<FlowRecord>(c.count);
  const x = c.numbers;
  for (let i = 0; i < c.count; i++) {
    const o = i * WIDTH;
    out[i] = {
      client: c.client[i],
      server: c.server[i],
      clientPort: x[o] | 0,
      serverPort: x[o + 1] | 0,
      proto: x[o + 2] | 0,
      ipVersion: x[o + 3] === 6 ? 6 : 4,
      vlan: x[o + 4] | 0,
      bytesC2s: x[o + 5],
      bytesS2c: x[o + 6],
      packetsC2s: x[o + 7],
      packetsS2c: x[o + 8],
      samplingRate: x[o + 9] | 0,
      tcpFlagsC2s: x[o + 10] | 0,
      tcpFlagsS2c: x[o + 11] | 0,
      firstSeen: x[o + 12],
      lastSeen: x[o + 13],
      direction: DIRECTION_EVIDENCE[x[o + 14]],
      source: c.sources[x[o + 15]],
      exporter: c.exporters[x[o + 18]],
      inIf: x[o + 16],
      outIf: x[o + 17],
      starts: x[o + 19] | 0,
    };
  }
  return out;
}

/** Records [from, to) of `c`, sharing its buffer (no copy of the numbers). */
export function sliceColumns(c: RecordColumns, from: number, to: number): RecordColumns {
  return {
    count: to - from,
    numbers: c.numbers.subarray(from * WIDTH, to * WIDTH),
    client: c.client.slice(from, to),
    server: c.server.slice(from, to),
    sources: c.sources,
    exporters: c.exporters,
  };
}
