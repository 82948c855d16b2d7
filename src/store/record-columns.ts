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
  const b = new ColumnBuilder(records.length);
  for (let i = 0; i < records.length; i++) b.push(records[i]);
  return b.take();
}

/**
 * Records written into columns one at a time, up to `capacity`: a record object need not outlive
 * its push (collectors make hundreds of thousands a second; held in a batch until it filled, they
 * outlived the young generation and made most of the garbage collector's work).
 */
export class ColumnBuilder {
  /** Allocated at a batch's first push (take() hands the last one over). */
  private numbers = new Float64Array(0);
  private client: string[] = [];
  private server: string[] = [];
  private sources: string[] = [];
  private exporters: string[] = [];
  private lastSource = '';
  private lastIdx = -1;
  private lastExporter = '';
  private lastExporterIdx = -1;
  count = 0;

  constructor(readonly capacity: number) {}

  push(r: FlowRecord): void {
    if (this.count >= this.capacity) throw new Error(`ColumnBuilder: more than ${this.capacity} records`);
    if (this.count === 0 && this.numbers.length === 0) this.numbers = new Float64Array(this.capacity * WIDTH);
    const numbers = this.numbers;
    const o = this.count * WIDTH;
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
    if (r.source !== this.lastSource || this.lastIdx < 0) {
      this.lastIdx = indexIn(this.sources, r.source);
      this.lastSource = r.source;
    }
    numbers[o + 15] = this.lastIdx;
    numbers[o + 16] = r.inIf;
    numbers[o + 17] = r.outIf;
    if (r.exporter !== this.lastExporter || this.lastExporterIdx < 0) {
      this.lastExporterIdx = indexIn(this.exporters, r.exporter);
      this.lastExporter = r.exporter;
    }
    numbers[o + 18] = this.lastExporterIdx;
    numbers[o + 19] = r.starts;
    this.client.push(r.client);
    this.server.push(r.server);
    this.count++;
  }

  /** The records pushed so far, as columns; the builder starts afresh (a new buffer: the old one may be transferred). */
  take(): RecordColumns {
    const n = this.count;
    const whole = n === this.capacity;
    const cols: RecordColumns = {
      count: n,
      numbers: whole ? this.numbers : this.numbers.slice(0, n * WIDTH),
      client: this.client,
      server: this.server,
      sources: this.sources,
      exporters: this.exporters,
    };
    this.numbers = new Float64Array(0);
    this.client = [];
    this.server = [];
    this.sources = [];
    this.exporters = [];
    this.lastIdx = -1;
    this.lastExporterIdx = -1;
    this.count = 0;
    return cols;
  }
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
