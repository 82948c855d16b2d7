/**
 * TARGET of `flowmap deps`: an address, a CIDR, a config group, or a host name known to flowmap
 * (exact, case-insensitive; `*` and `?` wildcards). Resolved against the hosts in scope.
 */
import { parseCidr, rangeContains } from '../filter/cidr.js';
import { globToRegExp } from '../graph/groups.js';
import { UsageError } from '../util/errors.js';
import { addrHiLo, canonicalAddr, tryParseIp } from '../util/ip.js';
import { compareAddresses, type Scope } from './scope.js';

export interface ResolvedTarget {
  /** What the user typed, normalised where it is an address or CIDR. */
  text: string;
  kind: 'address' | 'cidr' | 'group' | 'name';
  /** Hosts in scope it stands for, in address order (an address is kept even without traffic). */
  addresses: string[];
}

export function resolveTarget(scope: Scope, text: string, what = 'TARGET'): ResolvedTarget {
  const t = text.trim();
  if (t === '') throw new UsageError(`${what}: empty; give an address, a CIDR, a host name or a config group`);
  if (tryParseIp(t)) {
    const a = canonicalAddr(t);
    return { text: a, kind: 'address', addresses: [a] };
  }
  if (t.includes('/')) {
    const range = parseCidr(t, what);
    const addresses = [...scope.hosts.keys()].filter((a) => {
      const { hi, lo } = addrHiLo(a);
      return rangeContains(range, hi, lo);
    });
    return { text: range.text, kind: 'cidr', addresses: addresses.sort(compareAddresses) };
  }
  const inGroup = [...scope.hosts.values()].filter((h) => h.group !== null && h.group.toLowerCase() === t.toLowerCase());
  if (inGroup.length) return { text: t, kind: 'group', addresses: inGroup.map((h) => h.address).sort(compareAddresses) };
  const pattern = globToRegExp(t);
  const named = [...scope.hosts.values()].filter((h) => h.name !== null && pattern.test(h.name));
  if (named.length) return { text: t, kind: 'name', addresses: named.map((h) => h.address).sort(compareAddresses) };
  throw new UsageError(`${what}: ${JSON.stringify(t)} is not an address or CIDR, and no host in scope has that name or config group`);
}
