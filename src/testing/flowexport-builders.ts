/**
 * Test helper: builds NetFlow v5/v9, IPFIX and sFlow v5 datagrams field by field, for unit tests,
 * fuzzing seeds and the decode benchmark.
 */
import { tryParseIp } from '../util/ip.js';

export const u8 = (v: number): Buffer => Buffer.from([v & 0xff]);
export function u16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v & 0xffff);
  return b;
}
export function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
}
export function u64(v: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(v));
  return b;
}
/** Unsigned big-endian integer in exactly `len` bytes (reduced-size encoding). */
export function uN(v: number, len: number): Buffer {
  const b = Buffer.alloc(len);
  for (let i = len - 1; i >= 0; i--) {
    b[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return b;
}
export function ip4(text: string): Buffer {
  const w = tryParseIp(text);
  if (!w) throw new Error(`bad address ${text}`);
  return u32(w[3]);
}
export function ip6(text: string): Buffer {
  const w = tryParseIp(text);
  if (!w) throw new Error(`bad address ${text}`);
  return Buffer.concat([...w].map((x) => u32(x)));
}

export interface FieldSpec {
  id: number;
  len: number;
  /** Enterprise number (IPFIX only). */
  pen?: number;
}

function fieldSpecs(fields: readonly FieldSpec[], ipfix: boolean): Buffer {
  return Buffer.concat(fields.map((f) => (ipfix && f.pen !== undefined ? Buffer.concat([u16(f.id | 0x8000), u16(f.len), u32(f.pen)]) : Buffer.concat([u16(f.id), u16(f.len)]))));
}

function set(id: number, body: Buffer, pad = 0): Buffer {
  return Buffer.concat([u16(id), u16(4 + body.length + pad), body, Buffer.alloc(pad)]);
}

/** A template set (IPFIX id 2, v9 id 0) with one or more templates; fields [] = IPFIX withdrawal. */
export function templateSet(ipfix: boolean, templates: readonly { id: number; fields: readonly FieldSpec[] }[]): Buffer {
  return set(ipfix ? 2 : 0, Buffer.concat(templates.map((t) => Buffer.concat([u16(t.id), u16(t.fields.length), fieldSpecs(t.fields, ipfix)]))));
}

/** An options template set (IPFIX id 3 / v9 id 1). */
export function optionsTemplateSet(ipfix: boolean, id: number, scope: readonly FieldSpec[], options: readonly FieldSpec[]): Buffer {
  if (ipfix) return set(3, Buffer.concat([u16(id), u16(scope.length + options.length), u16(scope.length), fieldSpecs([...scope, ...options], true)]));
  return set(1, Buffer.concat([u16(id), u16(scope.length * 4), u16(options.length * 4), fieldSpecs([...scope, ...options], false)]));
}

/** A data set of records (each the concatenated field values), with optional zero padding. */
export function dataSet(templateId: number, records: readonly Buffer[], pad = 0): Buffer {
  return set(templateId, Buffer.concat(records), pad);
}

/** IPFIX variable-length value: one length byte, or 255 and two length bytes. */
export function varField(value: Buffer, long = value.length >= 255): Buffer {
  return Buffer.concat([long ? Buffer.concat([u8(255), u16(value.length)]) : u8(value.length), value]);
}

export function ipfixMessage(o: { domain?: number; seq?: number; exportSecs?: number; sets: readonly Buffer[] }): Buffer {
  const body = Buffer.concat(o.sets);
  return Buffer.concat([u16(10), u16(16 + body.length), u32(o.exportSecs ?? 1_700_000_000), u32(o.seq ?? 0), u32(o.domain ?? 0), body]);
}

export function v9Packet(o: { sourceId?: number; seq?: number; unixSecs?: number; sysUptime?: number; count?: number; sets: readonly Buffer[] }): Buffer {
  return Buffer.concat([u16(9), u16(o.count ?? o.sets.length), u32(o.sysUptime ?? 100_000), u32(o.unixSecs ?? 1_700_000_000), u32(o.seq ?? 0), u32(o.sourceId ?? 0), ...o.sets]);
}

export interface V5Flow {
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  proto: number;
  packets: number;
  bytes: number;
  first: number;
  last: number;
  tcpFlags?: number;
  /** SNMP ifIndex in and out, 0 when not given. */
  input?: number;
  output?: number;
}

export function v5Packet(o: { seq?: number; sysUptime?: number; unixSecs?: number; unixNsecs?: number; engineType?: number; engineId?: number; sampling?: number; flows: readonly V5Flow[] }): Buffer {
  const head = Buffer.concat([
    u16(5), u16(o.flows.length), u32(o.sysUptime ?? 100_000), u32(o.unixSecs ?? 1_700_000_000), u32(o.unixNsecs ?? 0),
    u32(o.seq ?? 0), u8(o.engineType ?? 0), u8(o.engineId ?? 0), u16(o.sampling ?? 0),
  ]);
  const recs = o.flows.map((f) => {
    const r = Buffer.alloc(48);
    ip4(f.src).copy(r, 0);
    ip4(f.dst).copy(r, 4);
    r.writeUInt16BE(f.input ?? 0, 12);
    r.writeUInt16BE(f.output ?? 0, 14);
    r.writeUInt32BE(f.packets, 16);
    r.writeUInt32BE(f.bytes, 20);
    r.writeUInt32BE(f.first, 24);
    r.writeUInt32BE(f.last, 28);
    r.writeUInt16BE(f.srcPort, 32);
    r.writeUInt16BE(f.dstPort, 34);
    r[37] = f.tcpFlags ?? 0;
    r[38] = f.proto;
    return r;
  });
  return Buffer.concat([head, ...recs]);
}

/** XDR opaque: the bytes padded to a multiple of 4. */
export function xdrOpaque(b: Buffer): Buffer {
  return Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);
}

export function sflowRecord(format: number, body: Buffer): Buffer {
  return Buffer.concat([u32(format), u32(body.length), body]);
}

/** Raw packet header flow record (0,1). */
export function sflowRawHeader(frame: Buffer, o: { protocol?: number; frameLength?: number; stripped?: number } = {}): Buffer {
  return sflowRecord(1, Buffer.concat([u32(o.protocol ?? 1), u32(o.frameLength ?? frame.length + 4), u32(o.stripped ?? 4), u32(frame.length), xdrOpaque(frame)]));
}

/**
 * A flow sample (0,1), or expanded (0,3), with input and output interfaces (default ifIndex 1 and 2;
 * compact samples: the raw 32-bit word, format in the top 2 bits; expanded: format 0 and the value).
 */
export function sflowFlowSample(o: { seq?: number; sourceId?: number; rate: number; pool?: number; records: readonly Buffer[]; expanded?: boolean; input?: number; output?: number }): Buffer {
  const [input, output] = [o.input ?? 1, o.output ?? 2];
  const head = o.expanded
    ? Buffer.concat([u32(o.seq ?? 1), u32(0), u32(o.sourceId ?? 1), u32(o.rate), u32(o.pool ?? 0), u32(0), u32(0), u32(input), u32(0), u32(output), u32(o.records.length)])
    : Buffer.concat([u32(o.seq ?? 1), u32(o.sourceId ?? 1), u32(o.rate), u32(o.pool ?? 0), u32(0), u32(input), u32(output), u32(o.records.length)]);
  const body = Buffer.concat([head, ...o.records]);
  return Buffer.concat([u32(o.expanded ? 3 : 1), u32(body.length), body]);
}

/** A counter sample (0,2) with one generic interface counters record of `len` bytes. */
export function sflowCounterSample(len = 88): Buffer {
  const body = Buffer.concat([u32(1), u32(1), u32(1), sflowRecord(1, Buffer.alloc(len))]);
  return Buffer.concat([u32(2), u32(body.length), body]);
}

export function sflowDatagram(o: { agent: string; subAgent?: number; seq?: number; uptime?: number; samples: readonly Buffer[] }): Buffer {
  const v6 = o.agent.includes(':');
  return Buffer.concat([
    u32(5), u32(v6 ? 2 : 1), v6 ? ip6(o.agent) : ip4(o.agent), u32(o.subAgent ?? 0), u32(o.seq ?? 1), u32(o.uptime ?? 1000), u32(o.samples.length), ...o.samples,
  ]);
}
