import type { AddrRange } from './filter.js';
import { UsageError } from '../util/errors.js';
import { formatAddr, isMappedV4, tryParseIp } from '../util/ip.js';

const MASK64 = (1n << 64n) - 1n;

/**
 * Parse an address or CIDR (`192.168.1.0/24`, `10.1.2.3`, `2001:db8::/32`, `::ffff:10.0.0.0/104`)
 * into a 128-bit range. IPv4 prefixes count within ::ffff:0:0/96. Host bits below the prefix are
 * cleared (`192.168.1.7/24` means `192.168.1.0/24`).
 */
export function parseCidr(input: string, what = 'address'): AddrRange {
  const text = input.trim();
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const words = tryParseIp(addrText);
  if (!words) {
    const hint = addrText.includes('%') ? ' (IPv6 zone ids are not supported)' : '';
    throw new UsageError(`${what}: ${JSON.stringify(input)} is not an IP address or CIDR range${hint}`);
  }
  const v4Text = !addrText.includes(':');
  let prefix128 = 128;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    const max = v4Text ? 32 : 128;
    if (!/^\d{1,3}$/.test(p) || Number(p) > max) {
      throw new UsageError(`${what}: ${JSON.stringify(input)}: prefix length must be 0-${max}`);
    }
    prefix128 = v4Text ? 96 + Number(p) : Number(p);
  }
  return rangeOf(words, prefix128);
}

/** The range covered by `words/prefix128`, with normalised text. */
export function rangeOf(words: ArrayLike<number>, prefix128: number): AddrRange {
  const value = (BigInt(words[0]) << 96n) | (BigInt(words[1]) << 64n) | (BigInt(words[2]) << 32n) | BigInt(words[3]);
  const hostBits = BigInt(128 - prefix128);
  const min = (value >> hostBits) << hostBits;
  const max = min | ((1n << hostBits) - 1n);
  const netWords = [
    Number((min >> 96n) & 0xffffffffn),
    Number((min >> 64n) & 0xffffffffn),
    Number((min >> 32n) & 0xffffffffn),
    Number(min & 0xffffffffn),
  ];
  // Show IPv4-mapped networks as IPv4 (what users typed, and what the stores show).
  const v4 = prefix128 >= 96 && isMappedV4(netWords);
  const shownPrefix = v4 ? prefix128 - 96 : prefix128;
  const full = v4 ? 32 : 128;
  const addr = formatAddr(netWords);
  return {
    text: shownPrefix === full ? addr : `${addr}/${shownPrefix}`,
    hiMin: min >> 64n,
    hiMax: max >> 64n,
    loMin: min & MASK64,
    loMax: max & MASK64,
  };
}

/** Whether hi/lo lies in the range. Exact for CIDR ranges (the box hi x lo is the prefix block). */
export function rangeContains(r: AddrRange, hi: bigint, lo: bigint): boolean {
  return hi >= r.hiMin && hi <= r.hiMax && lo >= r.loMin && lo <= r.loMax;
}

/** True when the low half is unconstrained (prefix of 64 bits or less). */
export function loIsFull(r: AddrRange): boolean {
  return r.loMin === 0n && r.loMax === MASK64;
}
