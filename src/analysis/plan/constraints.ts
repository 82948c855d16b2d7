/**
 * The user's constraints on a plan (--pin HOST=W, --together A,B,…, --apart A,B) resolved to hosts in
 * scope, and the atoms they imply: hosts that must move together form one atom (union-find). Every
 * contradiction is a UsageError that names it, before any partitioning is tried.
 */
import { UsageError } from '../../util/errors.js';
import type { Scope } from '../scope.js';
import { resolveTarget } from '../target.js';

/** Constraints as the user wrote them (host = address, CIDR, name or config group). */
export interface PlanConstraints {
  pins: Array<{ host: string; wave: number }>;
  together: string[][];
  apart: Array<[string, string]>;
}

export const NO_CONSTRAINTS: PlanConstraints = { pins: [], together: [], apart: [] };

/** `HOST=W` -> a pin (W from 1 to waves). */
export function parsePin(text: string, waves: number, what = '--pin'): { host: string; wave: number } {
  const m = /^(.+)=(\d+)$/.exec(text.trim());
  if (!m) throw new UsageError(`${what}: ${JSON.stringify(text)}: expected HOST=WAVE, e.g. 10.0.0.5=2`);
  const wave = Number(m[2]);
  if (wave < 1 || wave > waves) throw new UsageError(`${what}: ${JSON.stringify(text)}: wave ${wave} is not between 1 and --waves ${waves}`);
  return { host: m[1].trim(), wave };
}

/** `A,B[,…]` -> host texts (at least two). */
export function parseHostList(text: string, what: string): string[] {
  const hosts = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (hosts.length < 2) throw new UsageError(`${what}: ${JSON.stringify(text)}: name at least two hosts, comma-separated`);
  return hosts;
}

/** The constraints on host indices (`index` numbers the hosts being partitioned). */
export interface ResolvedConstraints {
  /** Atom of each host index: hosts that must move together share one. */
  atomOf: Int32Array;
  atomCount: number;
  /** Pinned wave (0-based) per atom, -1 when free. */
  atomPin: Int32Array;
  /** Pairs of atoms that must be in different waves. */
  apart: Array<[number, number]>;
  /** Hosts named by any constraint (never auto-detected as shared). */
  named: Set<string>;
}

export function resolveConstraints(scope: Scope, index: ReadonlyMap<string, number>, c: PlanConstraints, shared: ReadonlySet<string>): ResolvedConstraints {
  const named = new Set<string>();
  const hostsOf = (text: string, what: string): number[] => {
    const t = resolveTarget(scope, text, what);
    const out: number[] = [];
    for (const a of t.addresses) {
      if (shared.has(a)) throw new UsageError(`${what}: ${a} is listed as a shared service (--shared): a shared host belongs to no wave`);
      const i = index.get(a);
      if (i === undefined) throw new UsageError(`${what}: ${JSON.stringify(text)}: ${a} has no traffic in scope`);
      named.add(a);
      out.push(i);
    }
    if (out.length === 0) throw new UsageError(`${what}: ${JSON.stringify(text)} matches no host in scope`);
    return out;
  };
  const n = index.size;
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  // Which constraint put hosts together, for messages.
  const why = new Map<number, string>();
  for (const list of c.together) {
    const text = list.join(',');
    const all = list.flatMap((h) => hostsOf(h, `--together ${text}`));
    for (const i of all.slice(1)) parent[find(i)] = find(all[0]);
    why.set(find(all[0]), `--together ${text}`);
  }
  const roots = new Map<number, number>();
  const atomOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const r = find(i);
    let a = roots.get(r);
    if (a === undefined) roots.set(r, (a = roots.size));
    atomOf[i] = a;
  }
  const atomCount = roots.size;
  const atomPin = new Int32Array(atomCount).fill(-1);
  const pinText = new Map<number, string>();
  for (const p of c.pins) {
    const text = `${p.host}=${p.wave}`;
    for (const i of hostsOf(p.host, `--pin ${text}`)) {
      const a = atomOf[i];
      if (atomPin[a] !== -1 && atomPin[a] !== p.wave - 1) {
        throw new UsageError(`constraints conflict: --pin ${text} and ${pinText.get(a)} put hosts that must move together (${why.get(find(i)) ?? 'the same host'}) into different waves`);
      }
      atomPin[a] = p.wave - 1;
      pinText.set(a, `--pin ${text}`);
    }
  }
  const apart: Array<[number, number]> = [];
  const seen = new Set<string>();
  for (const [x, y] of c.apart) {
    const what = `--apart ${x},${y}`;
    const xs = hostsOf(x, what);
    const ys = hostsOf(y, what);
    for (const i of xs) {
      for (const j of ys) {
        const [a, b] = [atomOf[i], atomOf[j]];
        if (a === b) throw new UsageError(`constraints conflict: ${what} names hosts that must move together (${why.get(find(i)) ?? 'the same host'})`);
        if (atomPin[a] !== -1 && atomPin[a] === atomPin[b]) throw new UsageError(`constraints conflict: ${what}, but ${pinText.get(a)} and ${pinText.get(b)} pin both to wave ${atomPin[a] + 1}`);
        const k = a < b ? `${a},${b}` : `${b},${a}`;
        if (!seen.has(k)) {
          seen.add(k);
          apart.push(a < b ? [a, b] : [b, a]);
        }
      }
    }
  }
  return { atomOf, atomCount, atomPin, apart, named };
}
