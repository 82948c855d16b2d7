/**
 * A generated data centre of a chosen size for layout speed checks and the bench: tiers of hosts
 * (clients, web, app, databases, monitoring, infrastructure) in groups, about `edges` dependencies
 * (client -> server per service), deterministic for a given size.
 */
import { mulberry32 as rng } from '../util/mulberry32.js';
import { buildGraph } from '../graph/build.js';
import { GroupRules } from '../graph/groups.js';
import type { DepGraph } from '../graph/model.js';
import { NameBook } from '../names/names.js';
import type { EdgeRow } from '../store/store.js';
import { edge, names } from './graphs.js';

/** `edges` dependencies among about edges/2 hosts (at least 20), grouped by tier; `top` > 0 folds the rest into "other". */
export function labScale(edges: number, top = 0): DepGraph {
  const r = rng(edges);
  const hosts = Math.max(20, Math.round(edges / 2));
  const tier = (net: number, share: number): string[] =>
    Array.from({ length: Math.max(4, Math.round(hosts * share)) }, (_, i) => `10.${30 + Math.floor(i / 250)}.${net}.${(i % 250) + 2}`);
  const clients = tier(1, 0.3);
  const web = tier(2, 0.2);
  const app = tier(3, 0.2);
  const db = tier(4, 0.12);
  const mon = tier(5, 0.06);
  const infra = tier(6, 0.12);
  const pick = (xs: string[]): string => xs[Math.floor(r() * xs.length)];
  const kinds: Array<[string[], string[], number, string, string]> = [
    [clients, web, 443, 'https', 'tcp'],
    [web, app, 8080, 'http-alt', 'tcp'],
    [app, db, 5432, 'postgresql', 'tcp'],
    [app, db, 6379, 'redis', 'tcp'],
    [mon, [...web, ...app, ...db], 9100, 'node-exporter', 'tcp'],
    [[...web, ...app, ...db], infra.slice(0, 2), 53, 'dns', 'udp'],
    [[...app, ...db], infra.slice(2), 2049, 'nfs', 'tcp'],
  ];
  const rows = new Map<string, EdgeRow>();
  for (let tries = 0; rows.size < edges && tries < edges * 50; tries++) {
    const [from, to, port, svc, proto] = kinds[Math.floor(r() * kinds.length)];
    const c = pick(from);
    const s = pick(to);
    const k = `${c}>${s}>${port}`;
    if (!rows.has(k)) rows.set(k, edge(c, s, port, Math.floor(1e4 + r() * r() * 5e8), proto, svc));
  }
  const book = new NameBook(names([...web.map((a, i): [string, string] => [a, `web${i + 1}.dc1.example.com`]), ...db.map((a, i): [string, string] => [a, `pg-${i + 1}.dc1.example.com`])]));
  const groups = new GroupRules([
    { name: 'Web tier', subnets: ['10.30.2.0/24', '10.31.2.0/24'] },
    { name: 'Application tier', subnets: ['10.30.3.0/24', '10.31.3.0/24'] },
    { name: 'Databases', subnets: ['10.30.4.0/24', '10.31.4.0/24'] },
    { name: 'Monitoring', subnets: ['10.30.5.0/24'] },
    { name: 'Infrastructure', subnets: ['10.30.6.0/24'] },
  ]);
  return buildGraph([...rows.values()], { groupBy: { kind: 'host' }, top, other: 'fold', names: book, groups });
}
