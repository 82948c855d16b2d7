/**
 * Shared services, found from the traffic's structure (`--shared auto`): servers that clients from
 * every application use (DNS, NTP, LDAP, syslog, proxies) and clients that reach into every
 * application (monitoring scrapers, backup servers, scanners). They must not decide which
 * applications move together: a backup server moves more bytes to each database than the application
 * itself, and would glue every database into one wave.
 *
 * A host is shared when, against communities found on the dependency structure alone (one per
 * dependency, bytes ignored, so a backup stream cannot glue its databases together), its peers sit in
 * at least three communities and no community holds more than half of its bytes. Hosts found shared
 * are taken out and the communities recomputed, until no more are found. Small applications can be
 * split oddly by one Louvain run, so a host must pass the test against the communities of each of
 * three seeded runs.
 */
import type { EdgeRow } from '../../store/store.js';
import { communities, pairGraph, type PairGraph } from './pairs.js';

/** Communities among a host's peers needed before it counts as shared. */
export const SHARED_MIN_COMMUNITIES = 3;
/** Most of a shared host's bytes any one community may hold. */
export const SHARED_MAX_SHARE = 0.5;
const MAX_ROUNDS = 5;
const SEEDS = [1, 2, 3];

export function detectShared(hosts: readonly string[], rows: readonly EdgeRow[], exempt: ReadonlySet<string>): Set<string> {
  const shared = new Set<string>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const rest = hosts.filter((h) => !shared.has(h));
    const g = pairGraph(rest, rows);
    const structure = Float64Array.from(g.pairs, (p) => p.deps);
    const runs = SEEDS.map((seed) => communities(g, structure, seed));
    let found = 0;
    for (let i = 0; i < rest.length; i++) {
      if (exempt.has(rest[i]) || g.adj[i].length < SHARED_MIN_COMMUNITIES) continue;
      if (runs.every((comm) => spreadOver(g, i, comm))) {
        shared.add(rest[i]);
        found++;
      }
    }
    if (found === 0) break;
  }
  return shared;
}

/** Host i's peers sit in enough communities, and none holds more than its share of i's bytes. */
function spreadOver(g: PairGraph, i: number, comm: Int32Array): boolean {
  const bytesIn = new Map<number, number>();
  let total = 0;
  for (const [j, pi] of g.adj[i]) {
    const b = g.pairs[pi].bytes;
    bytesIn.set(comm[j], (bytesIn.get(comm[j]) ?? 0) + b);
    total += b;
  }
  if (bytesIn.size < SHARED_MIN_COMMUNITIES || total === 0) return false;
  return Math.max(...bytesIn.values()) <= SHARED_MAX_SHARE * total;
}
