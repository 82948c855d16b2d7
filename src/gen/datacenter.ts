/**
 * A multi-application data centre as a lab site, with a known answer for dependency and move-group
 * planning (`flowmap deps`, `flowmap plan`). Each application is dense inside (web -> app -> db, and
 * cache when its shape has one); applications call each other rarely and thinly (app tier of i -> web
 * tier of i+1, 443/tcp); every host uses shared servers (DNS, NTP, syslog; app tiers also LDAP); two
 * shared clients reach into every application (monitor1 scrapes every host, backup1 pulls more bytes
 * from each database than its application moves inside). Addressing is by tier, not by application
 * (datacenter-hosts.ts). Deterministic for the same options.
 *
 * Traffic: the site sets `coverAllPairs`, so a capture first starts one conversation of every intended
 * (client, server, service) pair, then draws by weight. `packets` (coveragePackets with 2 passes) is
 * enough for every pair to occur and for the byte ratios above to hold.
 */
import { coveragePackets, expectedConversation } from './lab-budget.js';
import type { LabHost, LabSite, Template } from './lab-site.js';
import { infraHosts, placeApps, TIERS, type AppShape, type DcApp, type DcInfra, type Tier } from './datacenter-hosts.js';
import { SERVICES, serviceTemplate, spread, type ServiceProfile } from './datacenter-services.js';
import { Prng } from './prng.js';
import { Proto } from '../util/protocols.js';

export { DC_DOMAIN, type AppShape, type Tier } from './datacenter-hosts.js';

export interface DatacenterOptions {
  /** Number of applications (1 .. 25,600 with the default shape). */
  apps: number;
  /** Placement of members in their tiers and each application's database engine. Default 1. */
  seed?: number;
  /** Hosts per application and tier. Default 2 web, 2 app, 1 db, 0 cache. */
  shape?: Partial<AppShape>;
  /** Application i calls application i+1 when i % callEvery === 0 (0: no calls). Default 1, a chain. */
  callEvery?: number;
  /** Expected bytes each database sends to backup over its application's internal bytes. Default 5. */
  backupRatio?: number;
}

export interface DatacenterDependency {
  client: string;
  server: string;
  port: number;
  proto: 'tcp' | 'udp';
}

/** What a planner should find; addresses as dotted text. */
export interface DatacenterTruth {
  apps: Array<{
    name: string;
    /** Every member, all tiers. */
    hosts: string[];
    databases: string[];
    tiers: Record<Tier, string[]>;
  }>;
  /** DNS, NTP, LDAP and syslog servers. */
  sharedServers: string[];
  /** The monitoring scraper and the backup server. */
  sharedClients: string[];
  /** Every host of the site (gateway included), for the names config. */
  names: Array<{ address: string; name: string }>;
  /** The intended host-level edges, deduplicated: exactly the (client, server, port, proto) a capture holds. */
  dependencies: DatacenterDependency[];
  /** Application-level calls (thin edges a move-group planner should cut), by application name. */
  appCalls: Array<{ client: string; server: string }>;
}

export interface Datacenter {
  site: LabSite;
  truth: DatacenterTruth;
  /** Suggested packet count: every dependency occurs, the byte ratios hold (coveragePackets, 2 passes). */
  packets: number;
}

export const DEFAULT_SHAPE: AppShape = { web: 2, app: 2, db: 1, cache: 0 };

export function datacenterSite(opts: DatacenterOptions): Datacenter {
  const shape = { ...DEFAULT_SHAPE, ...opts.shape };
  if (!Number.isInteger(opts.apps) || opts.apps < 1) throw new Error(`datacenter: apps must be a positive integer, not ${opts.apps}`);
  if (shape.web < 1 || shape.app < 1 || shape.db < 1 || shape.cache < 0) throw new Error('datacenter: an application needs web, app and db hosts');
  const rng = new Prng(opts.seed ?? 1);
  const apps = placeApps(opts.apps, shape, rng);
  const engines = apps.map(() => (rng.chance(0.5) ? SERVICES.postgres : SERVICES.mysql));
  const infra = infraHosts();
  const callEvery = opts.callEvery ?? 1;
  const calls: Array<[DcApp, DcApp]> = [];
  if (callEvery > 0) for (let a = 0; a + 1 < apps.length; a += callEvery) calls.push([apps[a], apps[a + 1]]);

  const templates: Template[] = [
    ...apps.flatMap((app, a) => appTemplates(app, a, engines[a], infra, opts.backupRatio ?? 5)),
    ...calls.map(([from, to]) => serviceTemplate(`${from.name}>${to.name}/api`, SERVICES.api, from.tiers.app, to.tiers.web)),
    ...infraTemplates(infra),
  ];
  const hosts = [...infraList(infra), ...apps.flatMap(members)];
  const site: LabSite = {
    hosts,
    router: infra.gateway,
    templates,
    dns: { names: hosts.map((h) => h.name), v4: hosts.map((h) => h.v4) },
    coverAllPairs: true,
  };
  const truth: DatacenterTruth = {
    apps: apps.map((app) => ({
      name: app.name,
      hosts: members(app).map((h) => h.text4),
      databases: app.tiers.db.map((h) => h.text4),
      tiers: Object.fromEntries(TIERS.map((t) => [t, app.tiers[t].map((h) => h.text4)])) as Record<Tier, string[]>,
    })),
    sharedServers: [...infra.dns, ...infra.ntp, ...infra.ldap, infra.syslog].map((h) => h.text4),
    sharedClients: [infra.monitor, infra.backup].map((h) => h.text4),
    names: hosts.map((h) => ({ address: h.text4, name: h.name })),
    dependencies: dependenciesOf(templates),
    appCalls: calls.map(([from, to]) => ({ client: from.name, server: to.name })),
  };
  return { site, truth, packets: coveragePackets(site, 2) };
}

function members(app: DcApp): LabHost[] {
  return TIERS.flatMap((t) => app.tiers[t]);
}

function infraList(infra: DcInfra): LabHost[] {
  return [infra.gateway, ...infra.dns, ...infra.ntp, ...infra.ldap, infra.syslog, infra.monitor, infra.backup];
}

/** One template per (application, service): its own clients and servers, so every pair is intended. */
function appTemplates(app: DcApp, a: number, engine: ServiceProfile, infra: DcInfra, backupRatio: number): Template[] {
  const { web, app: mid, db, cache } = app.tiers;
  const all = members(app);
  const n = app.name;
  const inside = [
    serviceTemplate(`${n}/web-app`, SERVICES.webToApp, web, mid),
    serviceTemplate(`${n}/db`, engine, mid, db),
    ...(cache.length > 0 ? [serviceTemplate(`${n}/cache`, SERVICES.redis, mid, cache)] : []),
  ];
  // Backup rate per database: backupRatio times the application's expected internal bytes.
  const internalBytes = inside.reduce((sum, t) => sum + t.weight * expectedConversation(t).bytes, 0);
  const backupRate = (backupRatio * internalBytes) / db.length / expectedConversation(SERVICES.backup).bytes;
  return [
    ...inside,
    serviceTemplate(`${n}/backup`, SERVICES.backup, [infra.backup], db, backupRate),
    serviceTemplate(`${n}/dns`, SERVICES.dns, all, [infra.dns[a % infra.dns.length]]),
    serviceTemplate(`${n}/ntp`, SERVICES.ntp, all, [infra.ntp[a % infra.ntp.length]]),
    serviceTemplate(`${n}/syslog`, SERVICES.syslog, all, [infra.syslog]),
    serviceTemplate(`${n}/ldap`, SERVICES.ldap, mid, [infra.ldap[a % infra.ldap.length]]),
    serviceTemplate(`${n}/scrape`, SERVICES.scrape, [infra.monitor], all),
  ];
}

/** The infrastructure hosts use DNS, NTP and syslog too, and are scraped. */
function infraTemplates(infra: DcInfra): Template[] {
  const servers = infraList(infra).filter((h) => h !== infra.gateway);
  const except = (...not: LabHost[]): LabHost[] => servers.filter((h) => !not.includes(h));
  return [
    ...spread(except(...infra.dns), infra.dns).map(([cs, s]) => serviceTemplate(`infra/dns-${shortName(s)}`, SERVICES.dns, cs, [s])),
    ...spread(except(...infra.ntp), infra.ntp).map(([cs, s]) => serviceTemplate(`infra/ntp-${shortName(s)}`, SERVICES.ntp, cs, [s])),
    serviceTemplate('infra/syslog', SERVICES.syslog, except(infra.syslog), [infra.syslog]),
    serviceTemplate('infra/scrape', SERVICES.scrape, [infra.monitor], except(infra.monitor)),
  ];
}

function shortName(h: LabHost): string {
  return h.name.split('.')[0];
}

function dependenciesOf(templates: readonly Template[]): DatacenterDependency[] {
  const seen = new Map<string, DatacenterDependency>();
  for (const t of templates) {
    const proto = t.proto === Proto.UDP ? 'udp' : 'tcp';
    for (const c of t.clients) {
      for (const s of t.servers) {
        const key = `${c.text4} ${s.text4} ${t.port} ${proto}`;
        if (!seen.has(key)) seen.set(key, { client: c.text4, server: s.text4, port: t.port, proto });
      }
    }
  }
  return [...seen.values()];
}
