/**
 * The hosts of the synthetic data centre and where they sit. Addressing follows tiers, as real data
 * centres put tiers in shared VLANs, so that an address never tells which application a host is in:
 *
 *   10.20.0.0/24   infrastructure: gateway .1, dns1/2 .10/.11, ntp1/2 .20/.21, ldap1/2 .30/.31,
 *                  syslog1 .40, monitor1 .50, backup1 .60
 *   10.21.0.0/16   web tier      10.22.0.0/16  app tier
 *   10.23.0.0/16   database tier 10.24.0.0/16  cache tier
 *
 * Inside a tier, host n is 10.(21..24).(n / 200).(10 + n % 200): 200 hosts per /24, the next /24 when
 * one is full (51,200 hosts per tier). Members of the applications are shuffled over the tier's
 * positions (seeded), so neither a split by subnet nor one by address order follows the applications.
 */
import { addrText, ipv4Bytes } from './addr.js';
import type { LabHost } from './lab-site.js';
import type { Prng } from './prng.js';

export const DC_DOMAIN = 'dc.example';

/** Hosts per application in each tier. */
export interface AppShape {
  web: number;
  app: number;
  db: number;
  cache: number;
}

export type Tier = keyof AppShape;
export const TIERS: readonly Tier[] = ['web', 'app', 'db', 'cache'];

const TIER_OCTET: Record<Tier, number> = { web: 21, app: 22, db: 23, cache: 24 };
const PER_SUBNET = 200;
export const TIER_CAPACITY = 256 * PER_SUBNET;

export interface DcApp {
  /** e.g. `app03` (zero-padded to the width of the largest number, at least 2 digits). */
  name: string;
  tiers: Record<Tier, LabHost[]>;
}

export interface DcInfra {
  gateway: LabHost;
  dns: readonly LabHost[];
  ntp: readonly LabHost[];
  ldap: readonly LabHost[];
  syslog: LabHost;
  monitor: LabHost;
  backup: LabHost;
}

/** A host on the data centre's segment; its MAC is derived from its address. */
export function dcHost(address: string, name: string): LabHost {
  const v4 = ipv4Bytes(address);
  return { name, v4, v6: null, text4: addrText(v4), text6: null, mac: Buffer.concat([Buffer.from([0x02, 0xdc]), v4]), local: true };
}

export function infraHosts(): DcInfra {
  const h = (last: number, name: string): LabHost => dcHost(`10.20.0.${last}`, `${name}.${DC_DOMAIN}`);
  return {
    gateway: h(1, 'gw'),
    dns: [h(10, 'dns1'), h(11, 'dns2')],
    ntp: [h(20, 'ntp1'), h(21, 'ntp2')],
    ldap: [h(30, 'ldap1'), h(31, 'ldap2')],
    syslog: h(40, 'syslog1'),
    monitor: h(50, 'monitor1'),
    backup: h(60, 'backup1'),
  };
}

/** `count` applications of `shape`, their members placed at shuffled positions of each tier. */
export function placeApps(count: number, shape: AppShape, rng: Prng): DcApp[] {
  const width = Math.max(2, String(count).length);
  const apps: DcApp[] = Array.from({ length: count }, (_, a) => ({
    name: `app${String(a + 1).padStart(width, '0')}`,
    tiers: { web: [], app: [], db: [], cache: [] },
  }));
  for (const tier of TIERS) {
    const members: Array<[number, number]> = [];
    for (let a = 0; a < count; a++) for (let k = 0; k < shape[tier]; k++) members.push([a, k]);
    if (members.length > TIER_CAPACITY) throw new Error(`datacenter: ${members.length} ${tier} hosts, at most ${TIER_CAPACITY}`);
    shuffle(members, rng);
    // Placed by position, then listed per application in member order (web1, web2, ...).
    const placed: LabHost[][] = apps.map(() => []);
    members.forEach(([a, k], n) => {
      const address = `10.${TIER_OCTET[tier]}.${Math.floor(n / PER_SUBNET)}.${10 + (n % PER_SUBNET)}`;
      placed[a][k] = dcHost(address, `${tier}${k + 1}.${apps[a].name}.${DC_DOMAIN}`);
    });
    placed.forEach((hosts, a) => (apps[a].tiers[tier] = hosts));
  }
  return apps;
}

function shuffle<T>(items: T[], rng: Prng): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
}
