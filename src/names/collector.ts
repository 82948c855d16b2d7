/**
 * Collects host names from captured packets for the names table: passive DNS (A/AAAA answers in
 * responses from port 53), TLS SNI and HTTP Host (the server a client asked for). Called from the
 * capture ingest path only for packets with captured TCP/UDP payload; most return after a byte or two.
 */
import type { PacketInfo } from '../decode/packet.js';
import { peekDns } from '../decode/peek-dns.js';
import { peekHttpHost } from '../decode/peek-http.js';
import { peekTlsSni } from '../decode/peek-tls.js';
import { isoMs } from '../util/time.js';
import { formatAddr, tryParseIp } from '../util/ip.js';
import { cleanName, type NameRow, type NameSource } from './names.js';

interface Seen {
  address: string;
  name: string;
  source: NameSource;
  first: number;
  last: number;
}

/** Past this many distinct observations the caller should drain to the store. */
export const COLLECTOR_FLUSH_AT = 50_000;

interface DnsSeen {
  name: string;
  /** The answer's address bytes (4 or 16) as a latin1 string: cheap to key on, formatted at drain. */
  addr: string;
  first: number;
  last: number;
}

export class NameCollector {
  /** By raw (address, source, name as seen): repeats skip the cleaning; null = not a usable name. */
  private raw = new Map<string, Seen | null>();
  private seen = new Map<string, Seen>();
  /** DNS answers by (name, address bytes): the hot path makes no address text and no cleaning. */
  private dnsSeen = new Map<string, DnsSeen>();
  private readonly words = new Uint32Array(4);

  get size(): number {
    return this.seen.size + this.dnsSeen.size;
  }

  /** Look at one decoded packet's payload (buf[info.payloadStart, info.payloadEnd)). */
  peek(buf: Buffer, info: PacketInfo): void {
    const s = info.payloadStart;
    const e = info.payloadEnd;
    if (info.proto === 17) {
      if (info.srcPort === 53) this.dns(buf, s, e, info.tsMs);
      return;
    }
    if (info.proto !== 6) return;
    if (info.srcPort === 53) {
      // DNS over TCP: a 2-byte length, then the message.
      if (e - s > 14) this.dns(buf, s + 2, Math.min(e, s + 2 + buf.readUInt16BE(s)), info.tsMs);
      return;
    }
    const b0 = buf[s];
    if (b0 === 0x16) {
      const sni = peekTlsSni(buf, s, e);
      if (sni !== null) this.add(formatAddr(info.dst), sni, 'sni', info.tsMs);
    } else if (b0 >= 0x44 && b0 <= 0x50) {
      const host = peekHttpHost(buf, s, e);
      if (host !== null) this.add(formatAddr(info.dst), host, 'http', info.tsMs);
    }
  }

  private dns(buf: Buffer, s: number, e: number, ts: number): void {
    for (const a of peekDns(buf, s, e)) {
      const addr = buf.toString('latin1', a.at, a.at + (a.family === 4 ? 4 : 16));
      const key = `${a.name}\u0000${addr}`;
      const cur = this.dnsSeen.get(key);
      if (cur === undefined) this.dnsSeen.set(key, { name: a.name, addr, first: ts, last: ts });
      else {
        if (ts < cur.first) cur.first = ts;
        if (ts > cur.last) cur.last = ts;
      }
    }
  }

  /** DNS answers into the cleaned observations (at drain time, once per distinct answer). */
  private settleDns(): void {
    const w = this.words;
    for (const d of this.dnsSeen.values()) {
      const b = Buffer.from(d.addr, 'latin1');
      if (b.length === 4) {
        w[0] = 0;
        w[1] = 0;
        w[2] = 0xffff;
        w[3] = b.readUInt32BE(0);
      } else for (let i = 0; i < 4; i++) w[i] = b.readUInt32BE(4 * i);
      this.record(formatAddr(w), d.name, 'dns', d.first, d.last);
    }
    this.dnsSeen = new Map();
  }

  /** One observation (SNI, HTTP Host): repeats of the same raw text cost one map lookup. */
  add(address: string, rawName: string, source: NameSource, tsMs: number): void {
    const rawKey = `${address}\u0000${source}\u0000${rawName}`;
    let cur = this.raw.get(rawKey);
    if (cur === undefined) {
      cur = this.record(address, rawName, source, tsMs, tsMs);
      this.raw.set(rawKey, cur);
    } else if (cur !== null) {
      if (tsMs < cur.first) cur.first = tsMs;
      if (tsMs > cur.last) cur.last = tsMs;
    }
  }

  /**
   * Names are stored lower case and cleaned; an address literal is no name (null). Spellings that
   * clean to the same name share one observation.
   */
  private record(address: string, rawName: string, source: NameSource, first: number, last: number): Seen | null {
    const name = cleanName(rawName.replace(/\.$/, '')).toLowerCase();
    if (name === '' || tryParseIp(name) !== null) return null;
    const key = `${address}\u0000${source}\u0000${name}`;
    const cur = this.seen.get(key);
    if (cur === undefined) {
      const fresh = { address, name, source, first, last };
      this.seen.set(key, fresh);
      return fresh;
    }
    if (first < cur.first) cur.first = first;
    if (last > cur.last) cur.last = last;
    return cur;
  }

  /** Everything collected since the last drain, as rows for Store.appendNames. */
  drain(): NameRow[] {
    this.settleDns();
    const rows = [...this.seen.values()].map((x) => ({ address: x.address, name: x.name, source: x.source, first_seen: isoMs(x.first), last_seen: isoMs(x.last) }));
    this.seen = new Map();
    this.raw = new Map();
    return rows;
  }
}
