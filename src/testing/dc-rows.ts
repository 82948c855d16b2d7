/**
 * A small data centre as `top --by edges` rows, for the analyses' unit tests: K applications (2 web,
 * 2 app, 1 db host each, tiers in shared subnets 10.20.1-3.0/24), a thin call from each application
 * to the next, shared DNS, NTP, LDAP, a monitoring host scraping every host and a backup host pulling
 * more from each database than its application moves inside. The end-to-end tests use the lab
 * generator's data centre instead (real packets through the real pipeline).
 */
import type { EdgeRow } from '../store/store.js';

export const DC = { dns: '10.20.0.1', ntp: '10.20.0.2', ldap: '10.20.0.3', monitor: '10.20.0.4', backup: '10.20.0.5' } as const;

export interface DcApp {
  web: string[];
  app: string[];
  db: string;
  hosts: string[];
}

export function dcApp(a: number): DcApp {
  const ip = (tier: number, i: number): string => `10.20.${tier}.${a * 4 + i + 1}`;
  const web = [ip(1, 0), ip(1, 1)];
  const app = [ip(2, 0), ip(2, 1)];
  const db = ip(3, 0);
  return { web, app, db, hosts: [...web, ...app, db] };
}

const T = '2026-03-02T08:00:00.000Z';

export function edgeRow(client: string, server: string, port: number, proto: string, bytes: number, service: string | null = null): EdgeRow {
  const c2s = Math.floor(bytes / 3);
  return { client, server, port, proto, service, bytes_c2s: c2s, bytes_s2c: bytes - c2s, bytes, packets: Math.ceil(bytes / 1000), connections: 1, first_seen: T, last_seen: T, server_process: null, client_process: null };
}

export function dcRows(apps: number): EdgeRow[] {
  const rows: EdgeRow[] = [];
  const all: string[] = [];
  for (let a = 0; a < apps; a++) {
    const x = dcApp(a);
    all.push(...x.hosts);
    for (const w of x.web) for (const p of x.app) rows.push(edgeRow(w, p, 8080, 'tcp', 200_000 + a * 1000, 'http-alt'));
    for (const p of x.app) rows.push(edgeRow(p, x.db, 5432, 'tcp', 300_000, 'postgresql'), edgeRow(p, DC.ldap, 389, 'tcp', 5000, 'ldap'));
    rows.push(edgeRow(x.app[0], dcApp((a + 1) % apps).web[0], 443, 'tcp', 2000 + a, 'https'));
    rows.push(edgeRow(DC.backup, x.db, 9102, 'tcp', 3_000_000, 'bacula-fd'));
  }
  for (const h of all) {
    rows.push(edgeRow(h, DC.dns, 53, 'udp', 3000, 'domain'), edgeRow(h, DC.ntp, 123, 'udp', 480, 'ntp'), edgeRow(DC.monitor, h, 9100, 'tcp', 20_000, null));
  }
  return rows.sort((p, q) => q.bytes - p.bytes);
}
