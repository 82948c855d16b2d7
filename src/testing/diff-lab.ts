/**
 * Two hours of the lab's data centre in one DuckDB store, with known drift between them, for the
 * `flowmap diff` tests. Each hour holds the same capture of the data centre (same seed: identical
 * bytes per dependency, so nothing there may be flagged), plus single-dependency captures that change:
 *
 * - gone:   web1.app01 -> db1.app02 5432/tcp, before only (a removed dependency);
 * - grown:  app1.app02 -> backup1 9102/tcp, five times the packets after;
 * - drift:  web1.app01 -> web1.app02 443/tcp, 1.5 times the packets after (under the threshold);
 * - shrink: web2.app02 -> web1.app01 443/tcp, two thirds of the packets after (under the threshold);
 * - a new host web3.app01 (10.21.0.99), after only: it calls app1.app01 8080/tcp and dns1 53/udp, and
 *   monitor1 scrapes it 9100/tcp.
 *
 * Every capture runs 50 minutes from a minute into its hour, so no record crosses a window boundary.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DC_DOMAIN, datacenterSite } from '../gen/datacenter.js';
import { dcHost } from '../gen/datacenter-hosts.js';
import { SERVICES, serviceTemplate, type ServiceProfile } from '../gen/datacenter-services.js';
import { writeLabCapture } from '../gen/lab.js';
import type { LabHost, LabSite } from '../gen/lab-site.js';
import { runCli } from './cli.js';

export const DIFF_T0 = Date.UTC(2026, 2, 2, 8);
const HOUR = 3_600_000;

export interface DiffLabEdge {
  client: string;
  server: string;
  port: number;
  proto: 'tcp' | 'udp';
}

export interface DiffLab {
  db: string;
  /** The config file (names of every host, the new one included) and the same as an object. */
  config: string;
  configObject: { names: Record<string, string> };
  /** The two windows as FROM..TO. */
  before: string;
  after: string;
  gone: DiffLabEdge;
  grown: DiffLabEdge;
  drift: DiffLabEdge[];
  newHost: { address: string; name: string; edges: DiffLabEdge[] };
  /** Dependencies of the data centre capture (the same in both hours). */
  stable: number;
}

const edge = (client: LabHost, server: LabHost, p: ServiceProfile): DiffLabEdge => ({ client: client.text4, server: server.text4, port: p.port, proto: p.proto === 17 ? 'udp' : 'tcp' });

export function diffLabStore(dir: string): DiffLab {
  const dc = datacenterSite({ apps: 2, seed: 1 });
  const host = (name: string): LabHost => {
    const h = dc.site.hosts.find((x) => x.name === `${name}.${DC_DOMAIN}`);
    if (!h) throw new Error(`diff lab: no host ${name}`);
    return h;
  };
  const [web1a, app1a, web1b, web2b, db1b, app1b] = ['web1.app01', 'app1.app01', 'web1.app02', 'web2.app02', 'db1.app02', 'app1.app02'].map(host);
  const [backup, dns1, monitor] = ['backup1', 'dns1', 'monitor1'].map(host);
  const fresh = dcHost('10.21.0.99', `web3.app01.${DC_DOMAIN}`);
  const site = (templates: LabSite['templates']): LabSite => ({ ...dc.site, hosts: [...dc.site.hosts, fresh], templates });

  const one = (name: string, c: LabHost, s: LabHost, p: ServiceProfile) => site([serviceTemplate(name, p, [c], [s])]);
  const gone = one('gone', web1a, db1b, SERVICES.postgres);
  const grown = one('grown', app1b, backup, SERVICES.backup);
  const drift = one('drift', web1a, web1b, SERVICES.api);
  const shrink = one('shrink', web2b, web1a, SERVICES.api);
  const newcomer = site([
    serviceTemplate('new/web-app', SERVICES.webToApp, [fresh], [app1a]),
    serviceTemplate('new/dns', SERVICES.dns, [fresh], [dns1]),
    serviceTemplate('new/scrape', SERVICES.scrape, [monitor], [fresh]),
  ]);

  const files: string[] = [];
  const capture = (name: string, hour: number, s: LabSite, packets: number): void => {
    const path = join(dir, `${name}-${hour}.pcap`);
    writeLabCapture(path, { site: s, packets, seed: 1, snaplen: 96, durationSec: 3000, startMs: DIFF_T0 + hour * HOUR + 60_000 });
    files.push(path);
  };
  for (const hour of [0, 1]) capture('dc', hour, dc.site, dc.packets);
  capture('gone', 0, gone, 400);
  capture('grown', 0, grown, 1000);
  capture('grown', 1, grown, 5000);
  capture('drift', 0, drift, 2000);
  capture('drift', 1, drift, 3000);
  capture('shrink', 0, shrink, 3000);
  capture('shrink', 1, shrink, 2000);
  capture('new', 1, newcomer, 2000);

  const names = Object.fromEntries([...dc.truth.names.map((n) => [n.address, n.name]), [fresh.text4, fresh.name]]);
  const config = join(dir, 'flowmap.yaml');
  writeFileSync(config, `names:\n${Object.entries(names).map(([a, n]) => `  "${a}": "${n}"`).join('\n')}\n`);
  const db = join(dir, 'diff.duckdb');
  const r = runCli(['--db', db, 'ingest', '-q', ...files]);
  if (r.code !== 0) throw new Error(`ingest failed: ${r.stderr}`);
  const iso = (ms: number): string => new Date(ms).toISOString();
  return {
    db,
    config,
    configObject: { names },
    before: `${iso(DIFF_T0)}..${iso(DIFF_T0 + HOUR)}`,
    after: `${iso(DIFF_T0 + HOUR)}..${iso(DIFF_T0 + 2 * HOUR)}`,
    gone: edge(web1a, db1b, SERVICES.postgres),
    grown: edge(app1b, backup, SERVICES.backup),
    drift: [edge(web1a, web1b, SERVICES.api), edge(web2b, web1a, SERVICES.api)],
    newHost: { address: fresh.text4, name: fresh.name, edges: [edge(fresh, app1a, SERVICES.webToApp), edge(fresh, dns1, SERVICES.dns), edge(monitor, fresh, SERVICES.scrape)] },
    stable: dc.truth.dependencies.length,
  };
}
