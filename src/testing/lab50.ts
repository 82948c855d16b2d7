/** A generated 50-host data centre for layout tests: clients, web, app, database, monitoring, infra tiers. */
import { mulberry32 as rng } from '../util/mulberry32.js';
import { buildGraph } from '../graph/build.js';
import { GroupRules } from '../graph/groups.js';
import type { DepGraph } from '../graph/model.js';
import { NameBook } from '../names/names.js';
import type { EdgeRow } from '../store/store.js';
import { edge, names } from './graphs.js';

const tier = (net: number, n: number): string[] => Array.from({ length: n }, (_, i) => `10.20.${net}.${i + 10}`);

export function lab50(): { rows: EdgeRow[]; graph: DepGraph } {
  const r = rng(50);
  const clients = tier(1, 12);
  const web = tier(2, 10);
  const app = tier(3, 10);
  const db = tier(4, 6);
  const mon = tier(5, 4);
  const infra = tier(6, 8);
  const pick = (xs: string[]): string => xs[Math.floor(r() * xs.length)];
  const rows = new Map<string, EdgeRow>();
  const add = (c: string, s: string, port: number, svc: string, proto = 'tcp'): void => {
    const k = `${c}>${s}>${port}`;
    if (!rows.has(k)) rows.set(k, edge(c, s, port, Math.floor(1e4 + r() * r() * 5e8), proto, svc));
  };
  // Round-robin first (every host takes part), then random extra dependencies.
  clients.forEach((c, i) => add(c, web[i % web.length], 443, 'https'));
  for (const c of clients) add(c, pick(web), 443, 'https');
  web.forEach((w, i) => add(w, app[i % app.length], 8080, 'http-alt'));
  for (const w of web) add(w, pick(app), 8080, 'http-alt');
  app.forEach((a, i) => {
    add(a, db[i % db.length], 5432, 'postgresql');
    if (r() < 0.5) add(a, pick(db), 6379, 'redis');
  });
  mon.forEach((m, i) => add(m, db[i % db.length], 9187, 'postgres-exporter'));
  infra.slice(1).forEach((h) => add(h, infra[0], 123, 'ntp', 'udp'));
  for (const m of mon) for (let i = 0; i < 6; i++) add(m, pick([...web, ...app, ...db]), 9100, 'node-exporter');
  for (const h of [...web, ...app, ...db]) if (r() < 0.4) add(h, pick(infra.slice(0, 2)), 53, 'dns', 'udp');
  for (const h of [...app, ...db]) if (r() < 0.3) add(h, pick(infra.slice(2)), 2049, 'nfs');
  const book = new NameBook(names([...web.map((a, i): [string, string] => [a, `web${String(i + 1).padStart(2, '0')}.dc1.example.com`]), ...db.map((a, i): [string, string] => [a, `pg-${i + 1}.dc1.example.com`])]));
  const groups = new GroupRules([
    { name: 'Web tier', subnets: ['10.20.2.0/24'] },
    { name: 'Application tier', subnets: ['10.20.3.0/24'] },
    { name: 'Databases', subnets: ['10.20.4.0/24'] },
    { name: 'Monitoring', subnets: ['10.20.5.0/24'] },
    { name: 'Infrastructure', subnets: ['10.20.6.0/24'] },
  ]);
  const list = [...rows.values()];
  return { rows: list, graph: buildGraph(list, { groupBy: { kind: 'host' }, top: 0, other: 'fold', names: book, groups }) };
}
