/**
 * A generated data centre for the web map's scale check (bench/web-scale.mjs): exactly `hosts`
 * hosts and `edges` distinct client -> server dependencies (one record each), in tiers shaped like
 * src/testing/lab-scale.ts, with DNS names for the web and database tiers. Deterministic per size.
 */
import { Prng } from '../gen/prng.js';
import type { FlowRecord } from '../flow/record.js';
import type { NameRow } from '../names/names.js';

export const SCALE_T0 = Date.UTC(2026, 10, 27, 12, 0, 0);

export interface ScaleData {
  records: FlowRecord[];
  names: NameRow[];
  hosts: number;
}

export function scaleData(hosts: number, edges: number, seed = 7): ScaleData {
  const r = new Prng(seed);
  const share = { clients: 0.3, web: 0.2, app: 0.2, db: 0.12, mon: 0.06, infra: 0.12 };
  const addr = (i: number): string => `10.${40 + Math.floor(i / 250)}.${Math.floor(i / 250) % 250}.${(i % 250) + 2}`;
  let next = 0;
  const tier = (f: number): string[] => Array.from({ length: Math.max(4, Math.round(hosts * f)) }, () => addr(next++));
  const clients = tier(share.clients);
  const web = tier(share.web);
  const app = tier(share.app);
  const db = tier(share.db);
  const mon = tier(share.mon);
  const infra = tier(share.infra);
  const all = [...clients, ...web, ...app, ...db, ...mon, ...infra].slice(0, hosts);
  const pick = (xs: string[]): string => xs[Math.floor(r.next() * xs.length)];
  const kinds: Array<[string[], string[], number, number]> = [
    [clients, web, 443, 6],
    [web, app, 8080, 6],
    [app, db, 5432, 6],
    [app, db, 6379, 6],
    [mon, [...web, ...app, ...db], 9100, 6],
    [[...web, ...app, ...db], infra.slice(0, 4), 53, 17],
    [[...app, ...db], infra.slice(4), 2049, 6],
    [all, all, 22, 6],
  ];
  const seen = new Set<string>();
  const records: FlowRecord[] = [];
  const rec = (client: string, server: string, port: number, proto: number): void => {
    const k = `${client}>${server}>${port}`;
    if (client === server || seen.has(k)) return;
    seen.add(k);
    const bytes = Math.floor(1e3 + r.next() * r.next() * r.next() * 5e8);
    const first = SCALE_T0 + Math.floor(r.next() * 3_000_000);
    records.push({
      client, server, clientPort: 30000 + (records.length % 30000), serverPort: port, proto, ipVersion: 4, vlan: 0,
      bytesC2s: Math.floor(bytes / 10), bytesS2c: bytes - Math.floor(bytes / 10), packetsC2s: 10, packetsS2c: 20, samplingRate: 1,
      tcpFlagsC2s: proto === 6 ? 0x1b : 0, tcpFlagsS2c: proto === 6 ? 0x1b : 0, firstSeen: first, lastSeen: first + 60_000,
      direction: 'handshake', source: 'pcap:web-scale.pcap', exporter: '', inIf: 0, outIf: 0, starts: 1,
    });
  };
  // Every host takes part at least once (so all `hosts` are in view), then random dependencies.
  for (let i = 0; i < all.length; i++) rec(all[i], all[(i * 7 + 1) % all.length], 22, 6);
  for (let tries = 0; records.length < edges && tries < edges * 50; tries++) {
    const [from, to, port, proto] = kinds[Math.floor(r.next() * kinds.length)];
    rec(pick(from), pick(to), port, proto);
  }
  const t = new Date(SCALE_T0).toISOString();
  const names: NameRow[] = [
    ...web.map((a, i): NameRow => ({ address: a, name: `web${i + 1}.dc1.example.com`, source: 'dns', first_seen: t, last_seen: t })),
    ...db.map((a, i): NameRow => ({ address: a, name: `pg-${i + 1}.dc1.example.com`, source: 'dns', first_seen: t, last_seen: t })),
  ];
  return { records: records.slice(0, edges), names, hosts: all.length };
}
