/**
 * IP address text <-> 128-bit words. IPv4 is held IPv4-mapped (::ffff:a.b.c.d) so one layout serves
 * both families, matching PacketInfo and the stores' hi/lo columns.
 */
import { UsageError } from './errors.js';

/** Parse IPv4 dotted quad or IPv6 text into four 32-bit words; null when it is not an address. */
export function tryParseIp(text: string): Uint32Array | null {
  const out = new Uint32Array(4);
  if (text.includes(':')) return parseV6(text, out) ? out : null;
  const v4 = parseV4(text);
  if (v4 < 0) return null;
  out[2] = 0xffff;
  out[3] = v4;
  return out;
}

/**
 * tryParseIp without allocating (for bulk work such as filling store columns): writes the four
 * words at out[at..at+3]; false when the text is not an address.
 */
export function parseIpInto(text: string, out: Uint32Array, at: number): boolean {
  if (text.includes(':')) {
    const w = tryParseIp(text);
    if (!w) return false;
    out.set(w, at);
    return true;
  }
  const v4 = parseV4(text);
  if (v4 < 0) return false;
  out[at] = 0;
  out[at + 1] = 0;
  out[at + 2] = 0xffff;
  out[at + 3] = v4;
  return true;
}

/** As tryParseIp, but throws a UsageError naming the problem. */
export function parseIp(text: string, what = 'address'): Uint32Array {
  const w = tryParseIp(text);
  if (w) return w;
  if (text.includes('%')) throw new UsageError(`${what}: ${JSON.stringify(text)}: IPv6 zone ids (%...) are not supported`);
  throw new UsageError(`${what}: ${JSON.stringify(text)} is not an IPv4 or IPv6 address`);
}

/** True for ::ffff:0:0/96 (how IPv4 is held). */
export function isMappedV4(w: ArrayLike<number>): boolean {
  return w[0] === 0 && w[1] === 0 && w[2] === 0xffff;
}

/** Strict dotted quad: four decimal octets, no leading zeros (they mean octal to inet_aton). -1 if invalid. */
function parseV4(s: string): number {
  let value = 0;
  let parts = 0;
  let i = 0;
  const n = s.length;
  while (parts < 4) {
    const start = i;
    let octet = 0;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      octet = octet * 10 + (c - 48);
      i++;
    }
    const len = i - start;
    if (len === 0 || len > 3 || octet > 255 || (len > 1 && s.charCodeAt(start) === 48)) return -1;
    value = value * 256 + octet;
    parts++;
    if (parts < 4) {
      if (s.charCodeAt(i) !== 46) return -1;
      i++;
    }
  }
  return i === n ? value >>> 0 : -1;
}

function parseV6(s: string, out: Uint32Array): boolean {
  if (s.length > 45) return false;
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return false;
  const head = dbl >= 0 ? s.slice(0, dbl) : s;
  const tail = dbl >= 0 ? s.slice(dbl + 2) : '';
  const h = head === '' ? [] : head.split(':');
  const t = tail === '' ? [] : tail.split(':');
  const groups: number[] = [];
  const parseGroups = (parts: string[], allowV4Last: boolean): boolean => {
    for (let k = 0; k < parts.length; k++) {
      const p = parts[k];
      if (allowV4Last && k === parts.length - 1 && p.includes('.')) {
        const v4 = parseV4(p);
        if (v4 < 0) return false;
        groups.push(v4 >>> 16, v4 & 0xffff);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return false;
      groups.push(parseInt(p, 16));
    }
    return true;
  };
  if (!parseGroups(h, dbl < 0)) return false;
  const headLen = groups.length;
  if (!parseGroups(t, true)) return false;
  const tailLen = groups.length - headLen;
  if (dbl >= 0) {
    if (headLen + tailLen > 7) return false; // `::` stands for at least one zero group
    const zeros = 8 - headLen - tailLen;
    groups.splice(headLen, 0, ...new Array<number>(zeros).fill(0));
  } else if (groups.length !== 8) {
    return false;
  }
  for (let k = 0; k < 4; k++) out[k] = ((groups[2 * k] << 16) | groups[2 * k + 1]) >>> 0;
  return true;
}

/**
 * Canonical text: dotted quad for IPv4-mapped words, otherwise RFC 5952 (lower case, no leading
 * zeros, the longest run of 2+ zero groups — the first on ties — compressed to `::`).
 */
export function formatAddr(w: ArrayLike<number>): string {
  if (w[0] === 0 && w[1] === 0 && w[2] === 0xffff) {
    const v = w[3];
    return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  }
  const g = [
    w[0] >>> 16, w[0] & 0xffff, w[1] >>> 16, w[1] & 0xffff,
    w[2] >>> 16, w[2] & 0xffff, w[3] >>> 16, w[3] & 0xffff,
  ];
  let bestStart = -1, bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  if (bestStart < 0) return g.map((x) => x.toString(16)).join(':');
  const left = g.slice(0, bestStart).map((x) => x.toString(16)).join(':');
  const right = g.slice(bestStart + bestLen).map((x) => x.toString(16)).join(':');
  return `${left}::${right}`;
}

/**
 * formatAddr and parseIpInto with a memory of recent addresses, for bulk paths where the same few
 * hosts recur in record after record (the flow table's records, the store worker's columns). Bounded:
 * forgotten wholesale when `bound` addresses are held.
 */
export class AddrCache {
  private texts = new Map<number, { w0: number; w1: number; w2: number; w3: number; text: string }>();
  private words = new Map<string, number>();
  private table: Uint32Array;
  private used = 0;

  constructor(private readonly bound = 65_536) {
    this.table = new Uint32Array(bound * 4);
  }

  /** formatAddr(w[at..at+3]) */
  text(w: ArrayLike<number>, at = 0): string {
    const w0 = w[at] >>> 0;
    const w1 = w[at + 1] >>> 0;
    const w2 = w[at + 2] >>> 0;
    const w3 = w[at + 3] >>> 0;
    const h = (Math.imul(Math.imul(Math.imul(w0 ^ 0x9e3779b9, 0x85ebca6b) ^ w1, 0xc2b2ae35) ^ w2, 0x27d4eb2f) ^ w3) >>> 0;
    const hit = this.texts.get(h);
    if (hit !== undefined && hit.w3 === w3 && hit.w2 === w2 && hit.w1 === w1 && hit.w0 === w0) return hit.text;
    const text = formatAddr([w0, w1, w2, w3]);
    if (this.texts.size >= this.bound) this.texts = new Map();
    this.texts.set(h, { w0, w1, w2, w3, text });
    return text;
  }

  /**
   * parseIpInto(text, out, at). IPv4 text is parsed each time: that is faster than looking the text
   * up (33 against 50-110 ns here when hosts repeat, 350-450 ns when they do not: texts that came from
   * another thread are new strings, hashed on lookup). IPv6 parsing costs about 1 us, so those are
   * remembered.
   */
  parseInto(text: string, out: Uint32Array, at: number): boolean {
    if (!text.includes(':')) return parseIpInto(text, out, at);
    let i = this.words.get(text);
    if (i === undefined) {
      if (this.used >= this.bound) {
        this.words = new Map();
        this.used = 0;
      }
      if (!parseIpInto(text, this.table, this.used * 4)) return false;
      i = this.used++;
      this.words.set(text, i);
    }
    const o = i * 4;
    const t = this.table;
    out[at] = t[o];
    out[at + 1] = t[o + 1];
    out[at + 2] = t[o + 2];
    out[at + 3] = t[o + 3];
    return true;
  }
}

/** The 128-bit address as unsigned 64-bit halves (what the stores' *_hi / *_lo columns hold). */
export interface HiLo {
  hi: bigint;
  lo: bigint;
}

export function wordsHiLo(w: ArrayLike<number>): HiLo {
  return {
    hi: (BigInt(w[0]) << 32n) | BigInt(w[1]),
    lo: (BigInt(w[2]) << 32n) | BigInt(w[3]),
  };
}

// Flow tables repeat the same hosts endlessly: a small bounded cache avoids re-parsing them.
const hiLoCache = new Map<string, HiLo>();
const HILO_CACHE_MAX = 65_536;

/** hi/lo halves of an address given as text (canonical or not). Throws UsageError on garbage. */
export function addrHiLo(text: string): HiLo {
  const hit = hiLoCache.get(text);
  if (hit) return hit;
  const v = wordsHiLo(parseIp(text));
  if (hiLoCache.size >= HILO_CACHE_MAX) hiLoCache.clear();
  hiLoCache.set(text, v);
  return v;
}

/** Canonical text of any accepted address text (`::FFFF:10.0.0.1` -> `10.0.0.1`). */
export function canonicalAddr(text: string): string {
  return formatAddr(parseIp(text));
}
