/**
 * Flow records as ClickHouse RowBinary (FLOW_COLUMNS order): fixed-width little-endian integers and
 * length-prefixed UTF-8 strings, no text to format or parse on either side. About three times less
 * work than TabSeparated for the same batch, and nothing in it needs escaping.
 */
import type { FlowRecord } from '../flow/record.js';
import { UsageError } from '../util/errors.js';
import { AddrCache } from '../util/ip.js';
import { rawCounter } from './rows.js';

const U32 = 0x1_0000_0000;
const U64_SAFE = Number.MAX_SAFE_INTEGER;

/** A growing output buffer with the few writers RowBinary needs. */
class Writer {
  buf: Buffer;
  at = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }
  room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }
  u8(v: number): void {
    this.buf[this.at++] = v;
  }
  // Byte stores rather than Buffer.write*: no bounds or type checks per call (room() was checked).
  u16(v: number): void {
    const b = this.buf;
    b[this.at] = v;
    b[this.at + 1] = v >>> 8;
    this.at += 2;
  }
  u32(v: number): void {
    const b = this.buf;
    const i = this.at;
    b[i] = v;
    b[i + 1] = v >>> 8;
    b[i + 2] = v >>> 16;
    b[i + 3] = v >>> 24;
    this.at = i + 4;
  }
  /** A whole number below 2^53 as UInt64 (>>> 0 is the value modulo 2^32). */
  u64(v: number): void {
    const lo = v >>> 0;
    this.u32(lo);
    this.u32((v - lo) / U32);
  }
  bytes(b: Buffer): void {
    this.room(b.length);
    b.copy(this.buf, this.at);
    this.at += b.length;
  }
  /** A string: LEB128 length, then UTF-8. */
  string(s: string): void {
    const n = Buffer.byteLength(s);
    this.room(n + 5);
    let len = n;
    while (len >= 0x80) {
      this.buf[this.at++] = (len & 0x7f) | 0x80;
      len >>>= 7;
    }
    this.buf[this.at++] = len;
    this.at += this.buf.write(s, this.at, 'utf8');
  }
}

/** Strings that repeat across a batch (direction, source, exporter) are encoded once. */
function encodedString(cache: Map<string, Buffer>, s: string): Buffer {
  let b = cache.get(s);
  if (!b) {
    const w = new Writer(Buffer.byteLength(s) + 5);
    w.string(s);
    b = w.buf.subarray(0, w.at);
    cache.set(s, b);
  }
  return b;
}

function whole(v: number, name: string, max: number): number {
  const x = Math.round(v);
  if (!(x >= 0 && x <= max)) throw new UsageError(`record field ${name}: ${v} is out of range (0-${max})`);
  return x;
}

/** Fixed bytes per row: 2 times, 4 address halves, ports, proto, version, vlan, 8 counters, rate, flags, interfaces, starts. */
const FIXED = 8 * 2 + 8 * 4 + 2 + 2 + 1 + 1 + 2 + 8 * 8 + 4 + 1 + 1 + 4 + 4 + 1;

/**
 * Addresses are parsed once while they recur (a store's batches repeat the same hosts), into one
 * table: a typed array per address made every batch's new addresses most of the encoder's time (GC).
 */
const addrs = new AddrCache();
/** Client words 0-3, server words 4-7 of the row being written. */
const words = new Uint32Array(8);

function parseAddr(addr: string, at: number): void {
  if (!addrs.parseInto(addr, words, at)) throw new UsageError(`record address ${JSON.stringify(addr)} is not an IP address`);
}

/** hi = words at,at+1 and lo = words at+2,at+3, each as a little-endian UInt64. */
function halves(w: Writer, at: number): void {
  w.u32(words[at + 1]);
  w.u32(words[at]);
  w.u32(words[at + 3]);
  w.u32(words[at + 2]);
}

export function rowBinary(records: readonly FlowRecord[]): Uint8Array<ArrayBuffer> {
  // Room for the fixed part, two addresses and the short texts of a typical row: one allocation.
  const w = new Writer(records.length * (FIXED + 96) + 64);
  const cache = new Map<string, Buffer>();
  for (const r of records) {
    parseAddr(r.client, 0);
    parseAddr(r.server, 4);
    const rate = r.samplingRate >= 1 ? r.samplingRate : 1;
    w.room(16);
    w.u64(whole(r.firstSeen, 'first_seen', U64_SAFE));
    w.u64(whole(r.lastSeen, 'last_seen', U64_SAFE));
    w.string(r.client);
    w.string(r.server);
    w.room(FIXED);
    halves(w, 0);
    halves(w, 4);
    w.u16(whole(r.clientPort, 'client_port', 65535));
    w.u16(whole(r.serverPort, 'server_port', 65535));
    w.u8(whole(r.proto, 'proto', 255));
    w.u8(whole(r.ipVersion, 'ip_version', 255));
    w.u16(whole(r.vlan, 'vlan', 65535));
    w.u64(whole(r.bytesC2s, 'bytes_c2s', U64_SAFE));
    w.u64(whole(r.bytesS2c, 'bytes_s2c', U64_SAFE));
    w.u64(whole(r.packetsC2s, 'packets_c2s', U64_SAFE));
    w.u64(whole(r.packetsS2c, 'packets_s2c', U64_SAFE));
    w.u64(whole(rawCounter(r.bytesC2s, rate), 'raw_bytes_c2s', U64_SAFE));
    w.u64(whole(rawCounter(r.bytesS2c, rate), 'raw_bytes_s2c', U64_SAFE));
    w.u64(whole(rawCounter(r.packetsC2s, rate), 'raw_packets_c2s', U64_SAFE));
    w.u64(whole(rawCounter(r.packetsS2c, rate), 'raw_packets_s2c', U64_SAFE));
    w.u32(whole(rate, 'sampling_rate', 0xffffffff));
    w.u8(whole(r.tcpFlagsC2s, 'tcp_flags_c2s', 255));
    w.u8(whole(r.tcpFlagsS2c, 'tcp_flags_s2c', 255));
    w.bytes(encodedString(cache, r.direction));
    w.bytes(encodedString(cache, r.source));
    w.bytes(encodedString(cache, r.exporter));
    w.room(9);
    w.u32(whole(r.inIf, 'in_if', 0xffffffff));
    w.u32(whole(r.outIf, 'out_if', 0xffffffff));
    w.u8(whole(r.starts, 'starts', 255));
  }
  return new Uint8Array(w.buf.buffer as ArrayBuffer, w.buf.byteOffset, w.at);
}
