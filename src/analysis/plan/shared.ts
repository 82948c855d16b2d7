/**
 * Shared services, found from the traffic's structure (`--shared auto`): servers that clients from
 * every application use (DNS, NTP, LDAP, syslog, proxies) and clients that reach into every
 * application (monitoring scrapers, backup servers, scanners). They must not decide which
 * applications move together: a backup server moves more bytes to each database than the application
 * itself, and would glue every database into one wave.
 *
 * The test, for a host H against Louvain communities of the dependency structure: H is shared when
 * its peers sit in at least three communities and none of them holds more than half of H's bytes.
 * The communities weigh each pair of hosts by 1 / the larger of their two peer counts, so the many
 * thin edges of a hub (every host asks DNS; the scraper calls every host) hardly pull, and bytes do
 * not count at all (a backup stream cannot glue its databases together). Hosts found shared are
 * taken out and the communities recomputed, until no more are found; a host must pass against each
 * of three seeded Louvain runs, as one run can split small applications oddly. It needs three
 * applications to tell: with two, a host used by both is not told apart from their link.
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
    const structure = Float64Array.from(g.pairs, (p) => 1 / Math.max(g.adj[p.a].length, g.adj[p.b].length));
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

/** Host h's peers sit in enough communities, and none holds more than its share of h's bytes. */
function spreadOver(g: PairGraph, h: number, comm: Int32Array): boolean {
  const bytesIn = new Map<number, number>();
  let total = 0;
  for (const [p, pi] of g.adj[h]) {
    const b = g.pairs[pi].bytes;
    bytesIn.set(comm[p], (bytesIn.get(comm[p]) ?? 0) + b);
    total += b;
  }
  if (bytesIn.size < SHARED_MIN_COMMUNITIES || total === 0) return false;
  return Math.max(...bytesIn.values()) <= SHARED_MAX_SHARE * total;
}
